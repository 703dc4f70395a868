import type { Mat3, UnitCell } from '../geometry/models.ts';
import type { HklGrid } from './models.ts';
import { pythonFloatRepr, pythonNumber, roundHalfEven } from './python-numbers.ts';

/** NXRefine's `radians` constant: angle·(π/180) in this order gives its bits exactly. */
const RADIANS = Math.PI / 180;

/**
 * Everything a CCTW `.pars` settings file holds (spec §4.16, §11.7). Angles in degrees (written in
 * radians), lengths in Å and mm, UB in 1/d units (Å⁻¹, no 2π).
 */
export interface CctwSettingsInput {
  pixelSize: number;
  wavelength: number;
  distance: number;
  cell: UnitCell;
  /** UB = U·B as NXRefine computes it (its B = inv(Bimat)); written as given. */
  UB: Mat3;
  /** Detector orientation O (det = O·lab); integer entries are written as integers. */
  O: Mat3;
  beamCenterX: number;
  beamCenterY: number;
  yaw: number;
  pitch: number;
  roll: number;
  /** Goniometer pitch θ, ω, χ, φ₀, Δφ (degrees). */
  theta: number;
  omega: number;
  chi: number;
  phiStart: number;
  phiStep: number;
  grid: HklGrid;
  /** Write the grid origin as integers (NXRefine's default grid is integral). @default true when integral */
  integerOrigin?: boolean;
  /** HDF5 chunk shape of the raw frames (frames, ny, nx); written reversed. */
  rawChunks: [number, number, number];
  /**
   * 'nxrefine': exactly what NXRefine writes (det0x = xc, gridOffset 0: CCTW then works half a pixel
   * and half a voxel away from NXRefine's conventions, spec §12.3). 'consistent': det0x = xc + ½,
   * det0y = yc + ½ and gridOffset ½, so that CCTW (which maps (x + ½ − det0x) and bins
   * floor((hkl − origin)·dim + offset)) reproduces our transform: pixel index = pixel centre,
   * axis values = voxel centres. @default 'nxrefine'
   */
  convention?: 'nxrefine' | 'consistent';
}

const isIntMatrix = (m: Mat3): boolean => m.every((r) => r.every((v) => Number.isInteger(v)));

function matrixText(m: Mat3, asInt: boolean): string {
  return `[${m.map((r) => `[${r.map((v) => pythonNumber(v, asInt)).join(', ')}]`).join(', ')}]`;
}

/**
 * The text of a CCTW settings file as NXRefine's `write_settings` (classic) produces it: one
 * `key = value;` line each, Python list syntax, floats in Python repr, angles in radians, lines
 * joined by '\n' without a final newline. With the inputs of spec §11.7 the output is that
 * section's text character for character.
 */
export function formatCctwSettings(s: CctwSettingsInput): string {
  const f = pythonFloatRepr;
  const rad = (deg: number): string => f(deg * RADIANS);
  const consistent = s.convention === 'consistent';
  const g = s.grid;
  const origin = [g.h.start, g.k.start, g.l.start];
  const intOrigin = s.integerOrigin ?? origin.every(Number.isInteger);
  const gridDim = [g.h.step, g.k.step, g.l.step].map((st) => roundHalfEven(1 / st));
  const { a, b, c, alpha, beta, gamma } = s.cell;
  const lines = [
    `parameters.pixelSize = ${f(s.pixelSize)};`,
    `parameters.wavelength = ${f(s.wavelength)};`,
    `parameters.distance = ${f(s.distance)};`,
    `parameters.unitCell = [${[f(a), f(b), f(c), rad(alpha), rad(beta), rad(gamma)].join(', ')}];`,
    `parameters.ubMat = ${matrixText(s.UB, false)};`,
    `parameters.oMat = ${matrixText(s.O, isIntMatrix(s.O))};`,
    'parameters.oVec = [0,0,0];',
    `parameters.det0x = ${f(s.beamCenterX + (consistent ? 0.5 : 0))};`,
    `parameters.det0y = ${f(s.beamCenterY + (consistent ? 0.5 : 0))};`,
    'parameters.xTrans = [0,0,0];',
    `parameters.orientErrorDetPitch = ${rad(s.pitch)};`,
    `parameters.orientErrorDetRoll = ${rad(s.roll)};`,
    `parameters.orientErrorDetYaw = ${rad(s.yaw)};`,
    `parameters.orientErrorGonPitch = ${rad(s.theta)};`,
    'parameters.twoThetaCorrection = 0;',
    'parameters.twoThetaNom = 0;',
    'parameters.twoThetaStep = 0;',
    'parameters.omegaCorrection = 0;',
    `parameters.omegaNom = ${rad(s.omega)};`,
    'parameters.omegaStep = 0;',
    'parameters.chiCorrection = 0;',
    `parameters.chiNom = ${rad(s.chi)};`,
    'parameters.chiStep = 0;',
    'parameters.phiCorrection = 0;',
    `parameters.phiNom = ${rad(s.phiStart)};`,
    `parameters.phiStep = ${rad(s.phiStep)};`,
    `parameters.gridOrigin = [${origin.map((v) => pythonNumber(v, intOrigin)).join(', ')}];`,
    'parameters.gridBasis = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];',
    `parameters.gridDim = [${gridDim.join(', ')}];`,
    `parameters.gridOffset = ${consistent ? '[0.5,0.5,0.5]' : '[0,0,0]'};`,
    'parameters.extraFlip = false;',
    `inputData.chunkSize = [${[...s.rawChunks].reverse().join(', ')}];`,
    `outputData.dimensions = [${[g.h.count, g.k.count, g.l.count].join(', ')}];`,
    'outputData.chunkSize = [50,50,50];',
    'outputData.compression = 0;',
    'transformer.transformOptions =  0;',
    'transformer.oversampleX = 1;',
    'transformer.oversampleY = 1;',
    'transformer.oversampleZ = 1;',
  ];
  return lines.join('\n');
}

/**
 * Whether CCTW can represent a grid: its voxels per r.l.u. (gridDim = rint(1/step)) must give the
 * step back. Returns the axes whose step 1/gridDim would differ (CCTW would use a different grid).
 */
export function cctwIncompatibleAxes(grid: HklGrid): Array<'h' | 'k' | 'l'> {
  return (['h', 'k', 'l'] as const).filter((k) => {
    const st = grid[k].step;
    const dim = roundHalfEven(1 / st);
    return dim < 1 || Math.abs(1 / dim - st) > 1e-9 * st;
  });
}
