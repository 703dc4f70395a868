/**
 * The detectors New Configuration offers (NXRefine lists pyFAI's detectors; default 'Pilatus CdTe
 * 2M'), with what the configuration file stores for each (nxrefine-spec.md §3.1): the pyFAI name as
 * `detector/description`, `shape` [ny, nx], `pixel_size` in mm (= pyFAI pixel1 × 1000) and
 * `pixel_mask` (pyFAI's detector mask: the module gaps of DECTRIS detectors, from
 * src/refine/detector; none for detectors without one).
 *
 * Names, shapes and pixel sizes are pyFAI 0.21's (checked against
 * test/refine/fixtures/pyfai-detectors.json, written by scripts/gen-pyfai-detectors.py).
 */
import { DETECTOR_MODELS, type DetectorFamily } from '../detector/detector-models.ts';
import { computeModuleGapMask, type ModuleLayout } from '../detector/module-gaps.ts';

export interface ConfigurationDetector {
  /** pyFAI's name, e.g. 'Pilatus CdTe 2M'. */
  name: string;
  /** [ny, nx] pixels. */
  shape: readonly [number, number];
  /** Pixel size, mm (square pixels). */
  pixelSize: number;
  /** Module layout of the detector mask; undefined: pyFAI has no mask for it. */
  layout?: ModuleLayout;
}

export const DEFAULT_DETECTOR = 'Pilatus CdTe 2M';

/** Pixel size of each DECTRIS family, mm (pyFAI: 172 µm Pilatus, 75 µm Eiger/Eiger2, 150 µm Pilatus4). */
const FAMILY_PIXEL_SIZE: Record<DetectorFamily, number> = {
  Pilatus: 0.172,
  Eiger: 0.075,
  Eiger2: 0.075,
  Pilatus4: 0.15,
};

/** pyFAI detectors without a module mask that diffuse-scattering beamlines use. */
const OTHER_DETECTORS: ConfigurationDetector[] = [
  { name: 'Perkin detector', shape: [4096, 4096], pixelSize: 0.2 },
  { name: 'Pixium 4700', shape: [1910, 2480], pixelSize: 0.308 },
  { name: 'Dexela 2923', shape: [3888, 3072], pixelSize: 0.075 },
  { name: 'Rayonix MX225', shape: [6144, 6144], pixelSize: 0.073242 },
  { name: 'Rayonix MX300', shape: [8192, 8192], pixelSize: 0.073242 },
  { name: 'MAR 555', shape: [3072, 2560], pixelSize: 0.139 },
];

/** Pilatus 12M (Diamond I23's curved detector) is not a flat pyFAI detector: not offered. */
const NOT_OFFERED = new Set(['Pilatus 12M']);

/** Every detector offered, DECTRIS models first (in detector-models' order), then the others. */
export const CONFIGURATION_DETECTORS: readonly ConfigurationDetector[] = Object.freeze([
  ...DETECTOR_MODELS.filter((m) => !NOT_OFFERED.has(m.name)).map((m) => ({
    name: m.name,
    shape: m.shape,
    pixelSize: FAMILY_PIXEL_SIZE[m.family],
    layout: m.layout,
  })),
  ...OTHER_DETECTORS,
]);

/** The detector of this name (exactly as listed, or ignoring case and spaces), or undefined. */
export function findConfigurationDetector(name: string): ConfigurationDetector | undefined {
  const key = (s: string): string => s.toLowerCase().replace(/[\s_]+/g, '');
  return (
    CONFIGURATION_DETECTORS.find((d) => d.name === name) ??
    CONFIGURATION_DETECTORS.find((d) => key(d.name) === key(name))
  );
}

/** pyFAI's detector mask (1 = insensitive), int8 row-major [ny, nx]; undefined when it has none. */
export function detectorPixelMask(d: ConfigurationDetector): Int8Array | undefined {
  if (d.layout === undefined) return undefined;
  const gaps = computeModuleGapMask(d.shape, d.layout);
  return new Int8Array(gaps.buffer, gaps.byteOffset, gaps.length);
}
