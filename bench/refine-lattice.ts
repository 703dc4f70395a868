/**
 * `node --import ./bin/register-ts.mjs bench/refine-lattice.ts [--peaks 5000] [--repeat 3]`:
 * Refine Lattice with every flag on (a, b, c, α, β, γ, distance, beam centre, yaw, pitch, roll,
 * chi, omega, theta, U: 18 parameters) on a triclinic crystal seen by the pilatus2m geometry
 * (1475 × 1679 px, 650 mm, λ = 0.2 Å, a full turn in 0.1° frames, χ = 1.5°, ω = −0.75°), about
 * `--peaks` true peaks with 0.07 px / 0.07 frame centroid noise plus a third of junk, starting
 * from a perturbed model (distance +0.5%, beam centre +1/−0.7 px, no tilts, cell ±0.3%, U 0.3°
 * off). Prints wall time, least-squares iterations and evaluations, rounds, and the errors.
 */
import { parseArgs } from 'node:util';

import { rotationFromVector } from '../src/refine/fit/lattice-parameters.ts';
import { refineLattice } from '../src/refine/fit/refine-lattice.ts';
import { multiplyMat3 } from '../src/refine/linalg/mat3.ts';
import { computeMisorientation } from '../src/refine/orient/misorientation.ts';
import { triclinicPeakSet } from './triclinic-peaks.ts';

const { values } = parseArgs({
  options: { peaks: { type: 'string', default: '5000' }, repeat: { type: 'string', default: '3' } },
});
const wanted = Number(values.peaks);
const repeat = Number(values.repeat);
const { geometry: g, cell, U, peaks, nTrue, reflections } = triclinicPeakSet({ wanted, stream: 1 });

const start = {
  geometry: {
    ...g,
    distance: g.distance * 1.005,
    beamCenterX: g.beamCenterX + 1,
    beamCenterY: g.beamCenterY - 0.7,
    yaw: 0,
    pitch: 0,
    roll: 0,
    chi: 1.4,
    omega: -0.7,
    theta: 0.15,
  },
  cell: { ...cell, a: cell.a * 1.003, b: cell.b * 0.998, c: cell.c * 1.002, alpha: 82.1, gamma: 103.9 },
  latticeSystem: 'triclinic' as const,
  U: multiplyMat3(rotationFromVector([0.2, -0.15, 0.15]), U),
};
const fit = [
  'a',
  'b',
  'c',
  'alpha',
  'beta',
  'gamma',
  'distance',
  'beamCenterX',
  'beamCenterY',
  'yaw',
  'pitch',
  'roll',
  'chi',
  'omega',
  'theta',
  'U',
] as const;
console.log(
  `${nTrue} true peaks + ${peaks.length - nTrue} junk (of ${reflections} reflections on the detector); ${fit.length - 1 + 3} parameters`,
);
for (let r = 0; r < repeat; r++) {
  const t0 = performance.now();
  const res = refineLattice(peaks, start, { fit });
  const seconds = (performance.now() - t0) / 1000;
  const s = res.statistics;
  const m = res.model;
  const lengthError = Math.max(...(['a', 'b', 'c'] as const).map((k) => Math.abs(m.cell[k] / cell[k] - 1)));
  const angleError = Math.max(
    ...(['alpha', 'beta', 'gamma'] as const).map((k) => Math.abs(m.cell[k] - cell[k])),
  );
  console.log(
    `run ${r + 1}: ${seconds.toFixed(2)} s, ${s.iterations} LM iterations, ${s.evaluations} residual evaluations ` +
      `(${((1e6 * seconds) / (s.evaluations * s.indexed)).toFixed(2)} µs per peak prediction), ${s.rounds} rounds; ` +
      `${s.indexed} indexed, ${s.outliers} outliers; RMSD ${s.rmsdPixels.toFixed(3)} px ${s.rmsdFrames.toFixed(3)} frames; ` +
      `errors: U ${computeMisorientation(U, m.U).toFixed(4)}°, cell ${lengthError.toExponential(1)} / ${angleError.toFixed(4)}°, ` +
      `distance ${(m.geometry.distance / g.distance - 1).toExponential(1)}, χ ${(m.geometry.chi - g.chi).toFixed(4)}°, ω ${(m.geometry.omega - g.omega).toFixed(4)}°`,
  );
  if (r === repeat - 1 && s.undetermined.length) console.log(`undetermined: ${s.undetermined.join(', ')}`);
}
