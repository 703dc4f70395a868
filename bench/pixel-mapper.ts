/**
 * `node --import ./bin/register-ts.mjs bench/pixel-mapper.ts [--frames N]`: speed of the per-frame pixel → hkl map
 * (src/refine/geometry/create-pixel-mapper.ts) on a Pilatus 2M frame (1475 × 1679), single thread,
 * without and with a sample offset, beside the plain per-pixel `pixelToHkl` as the reference.
 * Prints one JSON line per variant.
 */
import { parseArgs } from 'node:util';

import { createPixelMapper } from '../src/refine/geometry/create-pixel-mapper.ts';
import type { Geometry, Mat3 } from '../src/refine/geometry/models.ts';
import { pixelToHkl } from '../src/refine/geometry/pixel-to-hkl.ts';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '50' } } });
const frames = Number(values.frames);

const geometry: Geometry = {
  wavelength: 0.2,
  distance: 650,
  pixelSize: 0.172,
  shape: [1679, 1475],
  beamCenterX: 730.5,
  beamCenterY: 850.25,
  yaw: 0.3,
  pitch: -0.2,
  roll: 0.1,
  detectorOrientation: '-y +z -x',
  phiStart: -5,
  phiStep: 0.1,
  chi: 10,
  omega: 5,
  theta: 0.5,
};
const UB: Mat3 = [
  [0.1817466084, -0.1497592329, -0.0361830704],
  [0.1469714447, 0.207142553, -0.0161328754],
  [0.117882942, -0.0273644987, 0.0758992113],
];
const npix = geometry.shape[0] * geometry.shape[1];

function run(variant: string, g: Geometry): void {
  const t0 = performance.now();
  const mapper = createPixelMapper(g);
  const setup = (performance.now() - t0) / 1000;
  const out: [Float64Array, Float64Array, Float64Array] = [
    new Float64Array(npix),
    new Float64Array(npix),
    new Float64Array(npix),
  ];
  let checksum = 0;
  const t1 = performance.now();
  for (let z = 0; z < frames; z++) {
    mapper.mapToHkl(UB, z * 7, { out });
    checksum += out[0][z * 1000]! + out[2][npix - 1 - z]!;
  }
  const seconds = (performance.now() - t1) / 1000;
  console.log(
    JSON.stringify({
      variant,
      frames,
      setupSeconds: setup,
      seconds,
      mpixPerS: (frames * npix) / seconds / 1e6,
      checksum,
    }),
  );
}

run('mapper, no sample offset', geometry);
run('mapper, sample offset', { ...geometry, sampleOffset: [0.1, -0.05, 0.02] });

// Reference: the scalar function on a 1/20 subsample of one frame.
const t2 = performance.now();
let checksum = 0;
let n = 0;
for (let y = 0; y < geometry.shape[0]; y += 20)
  for (let x = 0; x < geometry.shape[1]; x++) {
    checksum += pixelToHkl(geometry, UB, x, y, 0)[0];
    n++;
  }
const seconds = (performance.now() - t2) / 1000;
console.log(
  JSON.stringify({
    variant: 'reference: pixelToHkl per pixel',
    pixels: n,
    seconds,
    mpixPerS: n / seconds / 1e6,
    checksum,
  }),
);
