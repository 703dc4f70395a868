/**
 * Simulator presets. Geometry values follow NXRefine's defaults and the spec's reference geometry
 * (nxrefine-spec.md §2.3, §11.2): λ = 0.2 Å, 0.172 mm Pilatus pixels, φ from −5° in 0.1° steps,
 * detector orientation '-y +z -x', small non-zero yaw/pitch/roll.
 */
export type PresetName = 'tiny' | 'small' | 'pilatus2m';

export interface SimulationPreset {
  name: PresetName;
  /** Detector model written to detector/description. */
  description: string;
  shape: [number, number]; // [ny, nx]
  nframes: number;
  phiStart: number; // degrees
  phiStep: number; // degrees per frame
  wavelength: number; // Å
  distance: number; // mm
  pixelSize: number; // mm
  beamCenterX: number; // px
  beamCenterY: number; // px
  yaw: number; // degrees
  pitch: number; // degrees
  roll: number; // degrees
  /** Peak width on the detector (Gaussian σ, px). */
  sigmaPixels: number;
  /** Crystal mosaic spread (Gaussian σ, degrees). */
  mosaic: number;
  /** Mean integrated counts of a reflection of unit |F|² at low q with Lorentz factor 1. */
  countScale: number;
  /** Background: flat counts per pixel per frame plus an air-scatter term falling with 2θ. */
  backgroundFlat: number;
  backgroundAir: number;
  backgroundAirWidth: number; // degrees of 2θ
  /** Diffuse amplitude (counts/pixel/frame) and Lorentzian envelope scale (Å⁻¹, 1/d units). */
  diffuseAmplitude: number;
  diffuseQScale: number;
  hotPixels: number;
  deadPixels: number;
}

const common = {
  phiStart: -5,
  phiStep: 0.1,
  wavelength: 0.2,
  pixelSize: 0.172,
  yaw: 0.3,
  pitch: -0.2,
  roll: 0.1,
  sigmaPixels: 1.0,
  mosaic: 0.15,
  countScale: 2.0e6,
  backgroundFlat: 2,
  backgroundAir: 6,
  backgroundAirWidth: 4,
  diffuseAmplitude: 8,
  diffuseQScale: 0.6,
} as const;

export const PRESETS: Record<PresetName, SimulationPreset> = {
  tiny: {
    ...common,
    name: 'tiny',
    description: 'Pilatus 100K (simulated)',
    shape: [195, 487],
    nframes: 400,
    distance: 200,
    beamCenterX: 251.3,
    beamCenterY: 88.6,
    hotPixels: 4,
    deadPixels: 6,
  },
  small: {
    ...common,
    name: 'small',
    description: 'Pilatus 300K (simulated)',
    shape: [619, 487],
    nframes: 900,
    distance: 300,
    beamCenterX: 240.4,
    beamCenterY: 297.7,
    hotPixels: 8,
    deadPixels: 12,
  },
  pilatus2m: {
    ...common,
    name: 'pilatus2m',
    description: 'Pilatus CdTe 2M (simulated)',
    shape: [1679, 1475],
    nframes: 3650,
    distance: 650,
    beamCenterX: 730.5,
    beamCenterY: 850.25,
    sigmaPixels: 1.2,
    hotPixels: 40,
    deadPixels: 60,
  },
};

export function isPresetName(s: string): s is PresetName {
  return s === 'tiny' || s === 'small' || s === 'pilatus2m';
}
