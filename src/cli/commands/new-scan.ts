import { join } from 'node:path';

import { newScan, readConfigurationSummary, type ScanValues } from '../../engine/experiment/new-scan.ts';
import { configurationFileName } from '../../refine/experiment/names.ts';
import type { ScanPosition } from '../../refine/experiment/scan.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type Command } from '../command.ts';
import { perPosition } from './new-configuration.ts';

const usage = `usage: nxr new-scan EXPDIR SAMPLE/LABEL SCAN --configuration NAME [options]

Experiment ▸ New Scan: makes the scan directory EXPDIR/SAMPLE/LABEL/SCAN/ and the scan file
EXPDIR/SAMPLE/LABEL/SAMPLE_SCAN.nxs, a copy of configurations/NAME.nxs with the sample (name,
label, temperature), the requested goniometer values (phi_set, chi_set …) and, per detector
position N, data/data → SCAN/fN.h5:/entry/data/data (an external link; put or link the raw
frames there). Values not given come from the configuration. The sample directory must exist
(nxr new-sample).

options:
  --configuration NAME   configuration in EXPDIR/configurations (required)
  --temperature K        sample temperature                                   [300]
  --phi-start DEG --phi-end DEG --phi-step DEG   rotation; frames = (end − start)/step
  --frame-rate HZ        frames per second
  --chi LIST --omega LIST --theta LIST   per-position angles, degrees (one value for all
                         positions or one per position, comma-separated)
  --x LIST --y LIST      per-position detector translation, mm
  --link-file LIST       per-position raw file in the scan directory          [f1.h5,f2.h5 …]
  --link-path LIST       per-position path of the frames in it                [/entry/data/data]
  --overwrite            replace an existing scan file
  --json                 print the result as JSON

Negative values go with '=': --omega=-10,0,10 --phi-start=-5.`;

const list = (raw: string | undefined, n: number, name: string): string[] | undefined => {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length === 1 && n > 1)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `--${name} needs one value per detector position (${n})`,
    });
  if (parts.length !== n)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `--${name} needs ${n} values (one per detector position), got ${parts.length}`,
    });
  return parts;
};

const command: Command = {
  summary: 'make a scan file <sample>_<scan>.nxs from a configuration (Experiment ▸ New Scan)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      configuration: { type: 'string' },
      temperature: { type: 'string' },
      'phi-start': { type: 'string' },
      'phi-end': { type: 'string' },
      'phi-step': { type: 'string' },
      'frame-rate': { type: 'string' },
      chi: { type: 'string' },
      omega: { type: 'string' },
      theta: { type: 'string' },
      x: { type: 'string' },
      y: { type: 'string' },
      'link-file': { type: 'string' },
      'link-path': { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 3 || positionals[1]!.split('/').length !== 2)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message:
          'give the experiment directory, SAMPLE/LABEL and the scan name (nxr new-scan EXPDIR SAMPLE/LABEL SCAN)',
      });
    if (values.configuration === undefined)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--configuration NAME is required' });
    const [directory, sampleLabel, scan] = positionals as [string, string, string];
    const [sample, label] = sampleLabel.split('/') as [string, string];
    const v: ScanValues = { scan };
    const num = (opt: string, key: 'temperature' | 'phiStart' | 'phiEnd' | 'phiStep' | 'frameRate'): void => {
      const x = numberOption(
        opt,
        (values as Record<string, string | boolean | undefined>)[opt] as string | undefined,
      );
      if (x !== undefined) v[key] = x;
    };
    num('temperature', 'temperature');
    num('phi-start', 'phiStart');
    num('phi-end', 'phiEnd');
    num('phi-step', 'phiStep');
    num('frame-rate', 'frameRate');
    const perEntry = ['chi', 'omega', 'theta', 'x', 'y', 'link-file', 'link-path'] as const;
    if (perEntry.some((k) => values[k] !== undefined)) {
      // the number of positions is the configuration's: read it through a first pass
      const summary = await readConfigurationSummary(
        join(directory, 'configurations', configurationFileName(values.configuration)),
      );
      const n = summary.entries.length;
      const positions: Array<Partial<ScanPosition>> = Array.from({ length: n }, () => ({}));
      for (const k of ['chi', 'omega', 'theta', 'x', 'y'] as const) {
        const xs = perPosition(k, values[k], n);
        xs?.forEach((x, i) => (positions[i]![k] = x));
      }
      list(values['link-file'], n, 'link-file')?.forEach((x, i) => (positions[i]!.linkFile = x));
      list(values['link-path'], n, 'link-path')?.forEach((x, i) => (positions[i]!.linkPath = x));
      v.positions = positions;
    }
    const r = await newScan(
      {
        directory,
        sample,
        label,
        configuration: values.configuration,
        values: v,
        overwrite: values.overwrite,
      },
      { signal: io.signal },
    );
    if (values.json) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    io.out(`scan file ${r.wrapperFile}`);
    io.out(`scan directory ${r.scanDir}`);
    io.out(
      `${r.nframes} frames, φ ${r.values.phiStart}° → ${r.values.phiEnd}° in ${r.values.phiStep}° steps`,
    );
    for (const l of r.links)
      io.out(`  /${l.entry}/data/data → ${l.file}:${l.path}${l.exists ? '' : '  (not there yet)'}`);
    return 0;
  },
};

export default command;
