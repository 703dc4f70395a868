/**
 * `node --import ./bin/register-ts.mjs bench/refine-peak-table.ts [--peaks 5000] [--repeat 20]`:
 * Refine Lattice's peak list (`computePeakTable`: polar/azimuthal angle, fractional hkl, Diff with
 * the final model, Diff with the starting one, Q) and what "List" costs in the engine besides it
 * (`refineLattice` with no parameters: index, reject outliers, statistics), on about `--peaks`
 * true peaks of a triclinic crystal seen by the pilatus2m geometry plus half as many junk peaks
 * (as bench/refine-lattice.ts). Also the size of the table sent to the UI. Prints medians.
 */
import { parseArgs } from 'node:util';

import { rotationFromVector } from '../src/refine/fit/lattice-parameters.ts';
import type { LatticeModel, ObservedPeak } from '../src/refine/fit/models.ts';
import { computePeakTable } from '../src/refine/fit/peak-table.ts';
import { refineLattice } from '../src/refine/fit/refine-lattice.ts';
import type { Geometry, UnitCell } from '../src/refine/geometry/models.ts';
import { predictReflection } from '../src/refine/geometry/predict-reflection.ts';
import { computeBMatrix } from '../src/refine/lattice/b-matrix.ts';
import { multiplyMat3, multiplyMat3Vec3 } from '../src/refine/linalg/mat3.ts';
import { PRESETS } from '../src/refine/simulate/presets.ts';
import { createRandom } from '../src/refine/simulate/random.ts';

const { values } = parseArgs({
  options: { peaks: { type: 'string', default: '5000' }, repeat: { type: 'string', default: '20' } },
});
const wanted = Number(values.peaks);
const repeat = Number(values.repeat);
const p = PRESETS.pilatus2m;
const g: Geometry = {
  wavelength: p.wavelength,
  distance: p.distance,
  pixelSize: p.pixelSize,
  shape: [...p.shape],
  beamCenterX: p.beamCenterX,
  beamCenterY: p.beamCenterY,
  yaw: 0.1,
  pitch: -0.05,
  roll: 0,
  detectorOrientation: '-y +z -x',
  phiStart: p.phiStart,
  phiStep: p.phiStep,
  chi: 1.5,
  omega: -0.75,
  theta: 0.2,
};
const cell: UnitCell = { a: 6.4, b: 7.5, c: 8.8, alpha: 82, beta: 97, gamma: 104 };
const rnd = createRandom(2026, 2);
const U = rotationFromVector([40, -25, 70]);
const B = computeBMatrix(cell);
const UB = multiplyMat3(U, B);
const nframes = 3600;
const [ny, nx] = g.shape;
const spots: ObservedPeak[] = [];
const qmax = (2 * Math.sin((8.5 * Math.PI) / 180)) / g.wavelength;
const hmax = Math.ceil(qmax * 9);
for (let h = -hmax; h <= hmax; h++)
  for (let k = -hmax; k <= hmax; k++)
    for (let l = -hmax; l <= hmax; l++) {
      if ((h === 0 && k === 0 && l === 0) || Math.hypot(...multiplyMat3Vec3(UB, [h, k, l])) > qmax) continue;
      for (const s of predictReflection(g, UB, [h, k, l], {
        frameRange: [1, nframes - 2],
        onDetectorOnly: true,
      }))
        spots.push({ x: s.x, y: s.y, frame: s.frame, intensity: 100 });
    }
const keep = Math.min(1, wanted / spots.length);
const peaks: ObservedPeak[] = spots
  .filter(() => rnd.uniform() < keep)
  .map((s) => ({
    x: s.x + 0.07 * rnd.normal(),
    y: s.y + 0.07 * rnd.normal(),
    frame: s.frame + 0.07 * rnd.normal(),
    intensity: 100,
  }));
const nTrue = peaks.length;
for (let i = 0, n = Math.ceil(nTrue / 2); i < n; i++)
  peaks.push({
    x: rnd.uniform() * (nx - 1),
    y: rnd.uniform() * (ny - 1),
    frame: rnd.uniform() * (nframes - 1),
  });

const model: LatticeModel = { geometry: g, cell, latticeSystem: 'triclinic', U };
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const listTimes: number[] = [];
const tableTimes: number[] = [];
let bytes = 0;
let used = 0;
for (let r = 0; r < repeat; r++) {
  const t0 = performance.now();
  const result = refineLattice(peaks, model, { fit: [], hklTolerance: 0.05, polarMax: 90 });
  const t1 = performance.now();
  const table = computePeakTable(peaks, result.peaks, result.model.geometry, { geometry: g, UB, B });
  const t2 = performance.now();
  listTimes.push(t1 - t0);
  tableTimes.push(t2 - t1);
  bytes = Object.values(table).reduce((s, a: ArrayBufferView) => s + a.byteLength, 0);
  used = table.status.filter((s) => s === 0).length;
}
console.log(
  `peak list of ${peaks.length} peaks (${nTrue} true + ${peaks.length - nTrue} junk; ${used} indexed), median of ${repeat}:`,
);
console.log(`  computePeakTable (angles, hkl, Diff after/before, Q): ${median(tableTimes).toFixed(1)} ms`);
console.log(`  refineLattice with no parameters (index + outliers):  ${median(listTimes).toFixed(1)} ms`);
console.log(`  table sent to the UI: ${(bytes / 1024).toFixed(0)} KiB (16 columns)`);
