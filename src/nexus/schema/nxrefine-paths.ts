/**
 * Where NXRefine keeps each quantity in a scan ("wrapper") file (spec §3.1–3.2, classic layout).
 * `{entry}` is a detector-position entry (f1, f2, …); `/entry` is the shared entry.
 * Units are those NXRefine writes and reads (lengths mm, angles degrees, wavelength Å).
 */

export interface SchemaField {
  /** Path template; '{entry}' is replaced by the entry name (f1, f2 …). */
  path: string;
  /** Units NXRefine uses for the value (undefined: dimensionless or text). */
  units?: string;
  /** Alternative paths read when `path` is missing (older files). */
  fallbacks?: string[];
  description: string;
}

export const NXREFINE_FIELDS = {
  wavelength: {
    path: '/{entry}/instrument/monochromator/wavelength',
    units: 'angstrom',
    description: 'X-ray wavelength',
  },
  energy: {
    path: '/{entry}/instrument/monochromator/energy',
    units: 'keV',
    description: '12.398419739640717 / wavelength',
  },
  distance: {
    path: '/{entry}/instrument/detector/distance',
    units: 'mm',
    description: 'sample to beam-centre point on the detector, along the beam',
  },
  pixelSize: {
    path: '/{entry}/instrument/detector/pixel_size',
    units: 'mm',
    description: 'square pixels assumed',
  },
  detectorShape: { path: '/{entry}/instrument/detector/shape', description: '[ny, nx]' },
  description: { path: '/{entry}/instrument/detector/description', description: 'detector name (pyFAI)' },
  beamCenterX: { path: '/{entry}/instrument/detector/beam_center_x', units: 'pixel', description: 'xc' },
  beamCenterY: { path: '/{entry}/instrument/detector/beam_center_y', units: 'pixel', description: 'yc' },
  yaw: { path: '/{entry}/instrument/detector/yaw', units: 'deg', description: 'pyFAI rot1' },
  pitch: { path: '/{entry}/instrument/detector/pitch', units: 'deg', description: 'pyFAI rot2' },
  roll: { path: '/{entry}/instrument/detector/roll', units: 'deg', description: 'pyFAI rot3' },
  detectorOrientation: {
    path: '/{entry}/instrument/detector/detector_orientation',
    description: "e.g. '-y +z -x' (absent before 2023: assume that)",
  },
  translationX: {
    path: '/{entry}/instrument/detector/translation_x',
    units: 'mm',
    description: 'metadata only',
  },
  translationY: {
    path: '/{entry}/instrument/detector/translation_y',
    units: 'mm',
    description: 'metadata only',
  },
  frameTime: {
    path: '/{entry}/instrument/detector/frame_time',
    units: 's',
    description: 'exposure per frame',
  },
  pixelMask: { path: '/{entry}/instrument/detector/pixel_mask', description: 'int8 [ny, nx], 1 = masked' },
  polarization: {
    path: '/{entry}/instrument/detector/polarization',
    description: 'float [ny, nx] polarization factors',
  },
  orientationMatrix: {
    path: '/{entry}/instrument/detector/orientation_matrix',
    description: '3×3 U (not UB)',
  },
  phi: {
    path: '/{entry}/instrument/goniometer/phi',
    units: 'deg',
    description: 'phi_start (@step, @end) or a 1-D array',
  },
  chi: { path: '/{entry}/instrument/goniometer/chi', units: 'deg', description: 'chi' },
  omega: { path: '/{entry}/instrument/goniometer/omega', units: 'deg', description: 'omega' },
  theta: {
    path: '/{entry}/instrument/goniometer/theta',
    units: 'deg',
    fallbacks: ['/{entry}/instrument/goniometer/goniometer_pitch', '/{entry}/instrument/goniometer/gonpitch'],
    description: 'goniometer pitch',
  },
  xs: { path: '/{entry}/instrument/goniometer/xs', units: 'mm', description: 'sample offset' },
  ys: { path: '/{entry}/instrument/goniometer/ys', units: 'mm', description: 'sample offset' },
  zs: { path: '/{entry}/instrument/goniometer/zs', units: 'mm', description: 'sample offset' },
  data: {
    path: '/{entry}/data/data',
    description: '(nframes, ny, nx) frames, external link to <scan>/fN.h5:/entry/data/data',
  },
  frameNumber: { path: '/{entry}/data/frame_number', description: 'int 0…nframes-1' },
  xPixel: { path: '/{entry}/data/x_pixel', description: 'int 0…nx-1' },
  yPixel: { path: '/{entry}/data/y_pixel', description: 'int 0…ny-1' },
  dataMask: {
    path: '/{entry}/data/data_mask',
    description: 'external link to <scan>/fN_mask.nxs:/entry/mask',
  },
  peaks: { path: '/{entry}/peaks', description: 'NXreflections from Find Peaks' },
  transform: { path: '/{entry}/transform', description: 'NXdata of the HKL transform' },
  maskedTransform: { path: '/{entry}/masked_transform', description: 'NXdata of the masked HKL transform' },
  // the shared sample (every /fN/sample is a link to it)
  sampleName: { path: '/entry/sample/name', description: 'sample name' },
  sampleLabel: { path: '/entry/sample/label', description: 'sample label' },
  temperature: { path: '/entry/sample/temperature', units: 'K', description: 'temperature' },
  chemicalFormula: { path: '/entry/sample/chemical_formula', description: 'formula' },
  spaceGroup: { path: '/entry/sample/space_group', description: 'Hermann–Mauguin symbol (gemmi xHM)' },
  laueGroup: { path: '/entry/sample/laue_group', description: "'-1', '2/m', 'mmm', …" },
  unitCellGroup: { path: '/entry/sample/unit_cell_group', description: 'crystal system' },
  latticeCentring: { path: '/entry/sample/lattice_centring', description: "'P','A','B','C','I','F','R'" },
  unitcellA: { path: '/entry/sample/unitcell_a', units: 'angstrom', description: 'a' },
  unitcellB: { path: '/entry/sample/unitcell_b', units: 'angstrom', description: 'b' },
  unitcellC: { path: '/entry/sample/unitcell_c', units: 'angstrom', description: 'c' },
  unitcellAlpha: { path: '/entry/sample/unitcell_alpha', units: 'deg', description: 'alpha' },
  unitcellBeta: { path: '/entry/sample/unitcell_beta', units: 'deg', description: 'beta' },
  unitcellGamma: { path: '/entry/sample/unitcell_gamma', units: 'deg', description: 'gamma' },
} as const satisfies Record<string, SchemaField>;

export type NxRefineField = keyof typeof NXREFINE_FIELDS;

/** Path of a field for one entry: nxrefinePath('distance', 'f2') → '/f2/instrument/detector/distance'. */
export function nxrefinePath(field: NxRefineField, entry = 'f1'): string {
  return NXREFINE_FIELDS[field].path.replace('{entry}', entry);
}

/** Fallback paths (older files) of a field, for one entry. */
export function nxrefineFallbacks(field: NxRefineField, entry = 'f1'): string[] {
  const f: SchemaField = NXREFINE_FIELDS[field];
  return (f.fallbacks ?? []).map((p) => p.replace('{entry}', entry));
}

/**
 * Reduction parameters (Choose Parameters, `/entry/nxreduce:NXparameters`). Two keys have other
 * names in the file: first → first_frame, last → last_frame.
 */
export const REDUCTION_PARAMETERS = {
  threshold: { field: 'threshold', description: 'peak threshold (counts)' },
  first: { field: 'first_frame', description: 'first frame' },
  last: { field: 'last_frame', description: 'last frame' },
  polar_max: { field: 'polar_max', units: 'deg', description: 'maximum polar angle' },
  hkl_tolerance: { field: 'hkl_tolerance', units: 'angstrom^-1', description: 'in 1/d units (no 2π)' },
  monitor: { field: 'monitor', description: 'monitor group or channel' },
  norm: { field: 'norm', description: 'monitor normalization divisor' },
  qmin: { field: 'qmin', units: 'angstrom^-1', description: 'transmission annulus, 2π units' },
  qmax: { field: 'qmax', units: 'angstrom^-1', description: 'transmission annulus / PDF taper, 2π units' },
  radius: { field: 'radius', units: 'angstrom^-1', description: 'punch radius, 2π units' },
} as const;

export type ReductionParameter = keyof typeof REDUCTION_PARAMETERS;

/** '/entry/nxreduce/first_frame' for 'first', etc. */
export function reductionParameterPath(name: ReductionParameter, entry = 'entry'): string {
  return `/${entry}/nxreduce/${REDUCTION_PARAMETERS[name].field}`;
}

/** Entry names of detector positions in a scan file: f1, f2, … in numeric order. */
export function detectorEntries(rootChildren: readonly string[]): string[] {
  return rootChildren.filter((n) => /^f\d+$/.test(n)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}
