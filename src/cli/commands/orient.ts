import type { Vec3 } from '../../refine/geometry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { refineLatticeJob, type RefineLatticeJobOptions } from '../../engine/jobs/refine-lattice.ts';
import { numberListOption, numberOption, parseCommandArgs, type Command } from '../command.ts';
import { parseFitList } from './refine-lattice.ts';

const usage = `usage: nxr orient FILE --primary I --secondary J --hkl1 h,k,l --hkl2 h,k,l [options]

Orients one detector entry manually, as NXRefine's Refine Lattice ▸ Orient Manually does: the
orientation matrix U from two peaks of <entry>/peaks (rows I and J, from 0) and the hkls chosen for
them (Busing & Levy 1967), with the sample's cell. The choice is checked first: each hkl's
d-spacing must match its peak's (5%), and the angle between the hkls the measured angle between the
peaks (--peak-tolerance). Prints the angle check, the orientation matrix and how many peaks it
indexes; --fit continues with a least-squares refinement from it (as nxr refine-lattice).
With --save: writes orientation_matrix, h, k, l, diff, indexed, primary_reflection and
secondary_reflection in <entry>/peaks, and the <entry>/nxrefine NXprocess.
Negative indices need '=': --hkl1=-1,0,2.

options:
  --entry NAME             detector entry                                            [f1]
  --primary I              row of the primary peak in <entry>/peaks (from 0)
  --secondary J            row of the secondary peak
  --hkl1 h,k,l             hkl of the primary peak
  --hkl2 h,k,l             hkl of the secondary peak
  --peak-tolerance DEG     largest |measured − calculated| angle between the two          [5]
  --fit LIST               then refine these parameters (see nxr refine-lattice --help) [none]
  --polar-max DEG          largest polar angle of peaks indexed          [the file's polar_max]
  --hkl-tolerance Q        largest |B·(hkl − rint hkl)|, 1/Å (1/d units) [the file's hkl_tolerance]
  --save                   write the orientation (default: report only)
  --json                   print the result as JSON`;

function hklOption(name: string, raw: string | undefined): Vec3 {
  if (raw === undefined)
    throw new NxrError({ code: 'BAD_PARAMETER', message: `--${name} h,k,l is required (nxr orient --help)` });
  const v = numberListOption(name, raw, 3)!;
  if (!v.every((x) => Number.isInteger(x)))
    throw new NxrError({ code: 'BAD_PARAMETER', message: `--${name} must be three integers, got '${raw}'` });
  return [v[0]!, v[1]!, v[2]!];
}

function indexOption(name: string, raw: string | undefined): number {
  const v = numberOption(name, raw);
  if (v === undefined || !Number.isInteger(v) || v < 0)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message:
        v === undefined
          ? `--${name} I is required (nxr orient --help)`
          : `--${name} must be a peak row (0, 1, …), got '${raw}'`,
    });
  return v;
}

const fmt = (h: readonly number[]): string => `(${h.join(' ')})`;

const command: Command = {
  summary: 'orient an entry manually from two peaks and their hkls (Busing & Levy; Orient Manually)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      entry: { type: 'string', default: 'f1' },
      primary: { type: 'string' },
      secondary: { type: 'string' },
      hkl1: { type: 'string' },
      hkl2: { type: 'string' },
      'peak-tolerance': { type: 'string' },
      fit: { type: 'string' },
      'polar-max': { type: 'string' },
      'hkl-tolerance': { type: 'string' },
      save: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan FILE (nxr orient --help)',
      });
    const options: RefineLatticeJobOptions = {
      file: positionals[0]!,
      entry: values.entry,
      index: 'manual',
      manual: {
        primary: indexOption('primary', values.primary),
        secondary: indexOption('secondary', values.secondary),
        hkl1: hklOption('hkl1', values.hkl1),
        hkl2: hklOption('hkl2', values.hkl2),
      },
      fit: values.fit !== undefined ? parseFitList(values.fit) : [],
      dryRun: !values.save,
      ...(values['peak-tolerance'] !== undefined
        ? { peakTolerance: numberOption('peak-tolerance', values['peak-tolerance'])! }
        : {}),
      ...(values['polar-max'] !== undefined
        ? { polarMax: numberOption('polar-max', values['polar-max'])! }
        : {}),
      ...(values['hkl-tolerance'] !== undefined
        ? { hklTolerance: numberOption('hkl-tolerance', values['hkl-tolerance'])! }
        : {}),
    };
    const result = await refineLatticeJob(options, {
      signal: io.signal,
      onLog: values.json ? undefined : (m) => io.err(m),
    });
    const m = result.manual!;
    const s = result.refinement.statistics;
    if (values.json) {
      io.out(
        JSON.stringify(
          {
            file: result.file,
            entry: result.entry,
            spaceGroup: result.spaceGroup,
            manual: m,
            indexing: result.indexing,
            statistics: s,
            cell: result.refinement.model.cell,
            U: result.refinement.model.U,
            orientationMatrix: result.orientationMatrix,
            written: result.written,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    io.out(`${result.file}:/${result.entry}  ${result.spaceGroup ?? result.latticeSystem}`);
    io.out(
      `primary   peak ${m.primary}: 2θ ${m.peakTwoTheta[0].toFixed(3)}° as ${fmt(m.hkl1)} (2θ ${m.hklTwoTheta[0].toFixed(3)}°)`,
    );
    io.out(
      `secondary peak ${m.secondary}: 2θ ${m.peakTwoTheta[1].toFixed(3)}° as ${fmt(m.hkl2)} (2θ ${m.hklTwoTheta[1].toFixed(3)}°)`,
    );
    io.out(
      `angle between the peaks ${m.measuredAngle.toFixed(3)}°, between the hkls ${m.calculatedAngle.toFixed(3)}° (Δ ${Math.abs(m.measuredAngle - m.calculatedAngle).toFixed(3)}°)`,
    );
    io.out('orientation_matrix:');
    for (const row of result.orientationMatrix)
      io.out(`  ${row.map((v) => v.toFixed(6).padStart(10)).join(' ')}`);
    io.out(
      `${result.indexing.indexed} of ${s.inPolarRange} peaks in range indexed by this orientation (${(100 * result.indexing.fraction).toFixed(1)}%); score ${s.score.toFixed(4)}`,
    );
    if (result.fit.length > 0) io.out(result.refinement.report);
    io.out(
      result.written.length > 0
        ? `wrote ${result.written.length} fields and /${result.entry}/nxrefine (${result.seconds.toFixed(2)} s)`
        : `not saved (--save writes the orientation) (${result.seconds.toFixed(2)} s)`,
    );
    if (result.fit.length > 0 && !s.converged) io.err(`warning: the fit did not converge (${s.message})`);
    return 0;
  },
};

export default command;
