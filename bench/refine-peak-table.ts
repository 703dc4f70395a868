/**
 * `node --import ./bin/register-ts.mjs bench/refine-peak-table.ts [--peaks 5000] [--repeat 20]`:
 * Refine Lattice's peak list (`computePeakTable`: polar/azimuthal angle, fractional hkl, Diff with
 * the final model, Diff with the starting one, Q) and what "List" costs in the engine besides it
 * (`refineLattice` with no parameters: index, reject outliers, statistics), on about `--peaks`
 * true peaks of a triclinic crystal seen by the pilatus2m geometry plus half as many junk peaks
 * (as bench/refine-lattice.ts). Also the size of the table sent to the UI. Prints medians.
 */
import { parseArgs } from 'node:util';

import type { LatticeModel } from '../src/refine/fit/models.ts';
import { computePeakTable } from '../src/refine/fit/peak-table.ts';
import { refineLattice } from '../src/refine/fit/refine-lattice.ts';
import { triclinicPeakSet } from './triclinic-peaks.ts';

const { values } = parseArgs({
  options: { peaks: { type: 'string', default: '5000' }, repeat: { type: 'string', default: '20' } },
});
const wanted = Number(values.peaks);
const repeat = Number(values.repeat);
const {
  geometry: g,
  cell,
  U,
  B,
  UB,
  peaks,
  nTrue,
} = triclinicPeakSet({
  wanted,
  stream: 2,
  tilts: { yaw: 0.1, pitch: -0.05, roll: 0 },
  intensity: 100,
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
