import type { RefinableName } from '../../refine/fit/models.ts';
import { NxrError } from '../../shared/errors.ts';
import {
  DEFAULT_FIT,
  refineLatticeJob,
  type IndexMethod,
  type RefineLatticeJobOptions,
} from '../../engine/jobs/refine-lattice.ts';
import { numberListOption, numberOption, parseCommandArgs, type Command } from '../command.ts';

const FIT_ALIASES: Record<string, RefinableName[]> = {
  a: ['a'],
  b: ['b'],
  c: ['c'],
  alpha: ['alpha'],
  beta: ['beta'],
  gamma: ['gamma'],
  lattice: ['a', 'b', 'c', 'alpha', 'beta', 'gamma'],
  wavelength: ['wavelength'],
  distance: ['distance'],
  beam: ['beamCenterX', 'beamCenterY'],
  beam_center_x: ['beamCenterX'],
  beam_center_y: ['beamCenterY'],
  yaw: ['yaw'],
  pitch: ['pitch'],
  roll: ['roll'],
  tilts: ['yaw', 'pitch', 'roll'],
  phi: ['phiStart'],
  chi: ['chi'],
  omega: ['omega'],
  theta: ['theta'],
  goniometer: ['chi', 'omega', 'theta'],
  xs: ['xs'],
  ys: ['ys'],
  zs: ['zs'],
  u: ['U'],
  orientation: ['U'],
};

/** '--fit a,c,U,distance,beam' → refinable names (aliases expanded, duplicates removed). */
export function parseFitList(raw: string): RefinableName[] {
  const out = new Set<RefinableName>();
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    if (item.toLowerCase() === 'all') {
      for (const v of Object.values(FIT_ALIASES).flat())
        if (!['wavelength', 'phiStart', 'xs', 'ys', 'zs'].includes(v)) out.add(v);
      continue;
    }
    const names = FIT_ALIASES[item.toLowerCase()] ?? FIT_ALIASES[item];
    if (!names)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--fit: unknown parameter '${item}' (choose from ${Object.keys(FIT_ALIASES).join(', ')}, all)`,
      });
    for (const n of names) out.add(n);
  }
  return [...out];
}

const usage = `usage: nxr refine-lattice FILE [options]

Orients and refines one detector entry of an NXRefine scan file from its peaks (Refine Lattice):
starting orientation from the entry's orientation_matrix, else the parent's, else indexing with the
sample's cell, else FFT indexing; then Levenberg–Marquardt least squares of the predicted spot
positions (x, y in pixels and the frame) against the peak centroids, with outlier rejection.
Writes the refined cell (/entry/sample), the refined geometry and orientation_matrix (<entry>),
h, k, l, diff and indexed in <entry>/peaks, polar_max and hkl_tolerance (/entry/nxreduce) and the
<entry>/nxrefine NXprocess with the fit report.

options:
  --entry NAME             detector entry                                            [f1]
  --fit LIST               parameters to refine, comma-separated: a, b, c, alpha, beta, gamma,
                           lattice, distance, beam (beam_center_x, beam_center_y), yaw, pitch,
                           roll, tilts, chi, omega, theta, goniometer, phi, wavelength, xs, ys, zs,
                           U (orientation), all        [${DEFAULT_FIT.join(',')}]
                           (cell parameters fixed by the lattice system are never varied)
  --polar-max DEG          largest polar angle of peaks used           [the file's polar_max]
  --hkl-tolerance Q        largest |B·(hkl − rint hkl)|, 1/Å (1/d units) [the file's hkl_tolerance]
  --index METHOD           auto | file | parent | known-cell | fft (manual: nxr orient) [auto]
  --parent FILE            parent scan file for the orientation      [<sample>_parent.nxs link]
  --space-group SYMBOL     use this space group (symbol or number) instead of the file's
  --cell a,b,c,al,be,ga    use this cell (Å, degrees) instead of the file's
  --dmin Å --dmax Å        FFT indexing range of lattice translations              [1, 20]
  --objective KIND         detector (px, frames) | reciprocal (Å⁻¹, as NXRefine)  [detector]
  --outlier-threshold K    reject peaks beyond K robust σ                             [4]
  --exclude ROWS           peaks (rows of <entry>/peaks, from 0) left out of indexing and the fit,
                           comma-separated (the dialog's unticked Use boxes)
  --dry-run                report only; do not write the file
  --json                   print the result as JSON`;

const command: Command = {
  summary: 'orient (index) and least-squares refine an entry from its peaks (Refine Lattice)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      entry: { type: 'string', default: 'f1' },
      fit: { type: 'string' },
      'polar-max': { type: 'string' },
      'hkl-tolerance': { type: 'string' },
      index: { type: 'string', default: 'auto' },
      parent: { type: 'string' },
      'space-group': { type: 'string' },
      cell: { type: 'string' },
      dmin: { type: 'string' },
      dmax: { type: 'string' },
      objective: { type: 'string' },
      'outlier-threshold': { type: 'string' },
      exclude: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan FILE (nxr refine-lattice --help)',
      });
    const index = values.index as IndexMethod;
    if (!['auto', 'file', 'parent', 'known-cell', 'fft'].includes(index))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--index must be auto, file, parent, known-cell or fft, got '${index}'${index === 'manual' ? ' (nxr orient orients manually)' : ''}`,
      });
    const objective = values.objective;
    if (objective !== undefined && objective !== 'detector' && objective !== 'reciprocal')
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--objective must be detector or reciprocal, got '${objective}'`,
      });
    const cell = numberListOption('cell', values.cell, 6);
    const exclude = numberListOption('exclude', values.exclude);
    if (exclude?.some((i) => !Number.isSafeInteger(i) || i < 0))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--exclude takes peak rows (integers from 0), got '${values.exclude ?? ''}'`,
      });
    const options: RefineLatticeJobOptions = {
      file: positionals[0]!,
      entry: values.entry,
      index,
      dryRun: values['dry-run'],
      ...(values.fit !== undefined ? { fit: parseFitList(values.fit) } : {}),
      ...(values['polar-max'] !== undefined
        ? { polarMax: numberOption('polar-max', values['polar-max'])! }
        : {}),
      ...(values['hkl-tolerance'] !== undefined
        ? { hklTolerance: numberOption('hkl-tolerance', values['hkl-tolerance'])! }
        : {}),
      ...(values.parent !== undefined ? { parent: values.parent } : {}),
      ...(values['space-group'] !== undefined ? { spaceGroup: values['space-group'] } : {}),
      ...(cell
        ? {
            cell: { a: cell[0]!, b: cell[1]!, c: cell[2]!, alpha: cell[3]!, beta: cell[4]!, gamma: cell[5]! },
          }
        : {}),
      ...(values.dmin !== undefined ? { dMin: numberOption('dmin', values.dmin)! } : {}),
      ...(values.dmax !== undefined ? { dMax: numberOption('dmax', values.dmax)! } : {}),
      ...(objective !== undefined ? { objective } : {}),
      ...(values['outlier-threshold'] !== undefined
        ? { outlierThreshold: numberOption('outlier-threshold', values['outlier-threshold'])! }
        : {}),
      ...(exclude !== undefined ? { exclude } : {}),
    };
    const result = await refineLatticeJob(options, {
      signal: io.signal,
      onLog: values.json ? undefined : (m) => io.err(m),
    });
    if (values.json) {
      // the peak list (columns per peak) stays out of the JSON; h, k, l and diff are in the file
      const { peakTable: _table, ...rest } = result;
      io.out(JSON.stringify(rest, null, 2));
      return 0;
    }
    const s = result.refinement.statistics;
    io.out(`${result.file}:/${result.entry}  ${result.spaceGroup ?? result.latticeSystem}`);
    io.out(
      `orientation from ${result.indexing.source} (${result.indexing.indexed} peaks indexed, ${(100 * result.indexing.fraction).toFixed(1)}%)`,
    );
    io.out(result.refinement.report);
    io.out(
      result.written.length > 0
        ? `wrote ${result.written.length} fields and /${result.entry}/nxrefine (${result.seconds.toFixed(2)} s)`
        : `dry run: nothing written (${result.seconds.toFixed(2)} s)`,
    );
    if (!s.converged) io.err(`warning: the fit did not converge (${s.message})`);
    return 0;
  },
};

export default command;
