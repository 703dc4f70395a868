import { resolve } from 'node:path';

import {
  simulateExperiment,
  type FrameDtype,
  type SimulateOptions,
} from '../../engine/simulate/simulate-experiment.ts';
import { isPresetName } from '../../refine/simulate/presets.ts';
import { NxrError } from '../../shared/errors.ts';
import {
  numberListOption,
  numberOption,
  parseCommandArgs,
  type Command,
  progressPrinter,
} from '../command.ts';

const usage = `usage: nxr simulate --out DIR [options]

Writes a complete simulated NXRefine experiment into DIR (created if missing): tasks/settings.ini,
configurations/, <sample>/<label>/<sample>_<scan>.nxs with entry and f1…fN, raw frames in
<sample>/<label>/<scan>/fN.h5 (one frame per chunk, reached by external links), and truth.json
(cell, U, UB, geometry and every reflection with hkl, x, y, frame and integrated counts).

options:
  --out DIR                experiment directory (required)
  --preset NAME            tiny (Pilatus 100K, 400 frames) | small (Pilatus 300K, 900 frames) |
                           pilatus2m (1475×1679, 3650 frames)            [tiny]
  --seed N                 random seed; the output is the same for the same seed   [1]
  --cell a,b,c,al,be,ga    unit cell, Å and degrees              [3.82,3.89,11.68,90,90,90]
  --space-group SYMBOL     Hermann–Mauguin symbol or number                        [P m m m]
  --entries N              rotations f1…fN                                         [1]
  --frames N               frames per rotation (default: the preset's)
  --compression NAME       bslz4 | gzip | none                                     [bslz4]
  --dtype NAME             int32 | uint32 | uint16 | float32                       [int32]
  --sample NAME --label NAME --scan NAME                     [sim, xtal1, 300K]
  --overwrite              replace an existing simulated scan
  --json                   print the summary as JSON`;

const command: Command = {
  summary: 'write a simulated NXRefine experiment with known truth (truth.json)',
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs(
      argv,
      {
        out: { type: 'string' },
        preset: { type: 'string', default: 'tiny' },
        seed: { type: 'string', default: '1' },
        cell: { type: 'string', default: '3.82,3.89,11.68,90,90,90' },
        'space-group': { type: 'string', default: 'P m m m' },
        entries: { type: 'string', default: '1' },
        frames: { type: 'string' },
        compression: { type: 'string', default: 'bslz4' },
        dtype: { type: 'string', default: 'int32' },
        sample: { type: 'string', default: 'sim' },
        label: { type: 'string', default: 'xtal1' },
        scan: { type: 'string', default: '300K' },
        overwrite: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      false,
    );
    if (!values.out) throw new NxrError({ code: 'BAD_PARAMETER', message: '--out DIR is required' });
    if (!isPresetName(values.preset)) {
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--preset must be tiny, small or pilatus2m, got '${values.preset}'`,
      });
    }
    const compression = values.compression;
    if (compression !== 'bslz4' && compression !== 'gzip' && compression !== 'none') {
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--compression must be bslz4, gzip or none, got '${compression}'`,
      });
    }
    const dtype = values.dtype as FrameDtype;
    if (!['int32', 'uint32', 'uint16', 'float32'].includes(dtype)) {
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--dtype must be int32, uint32, uint16 or float32, got '${dtype}'`,
      });
    }
    const [a, b, c, alpha, beta, gamma] = numberListOption('cell', values.cell, 6)!;
    const options: SimulateOptions = {
      outDir: resolve(values.out),
      preset: values.preset,
      seed: numberOption('seed', values.seed)!,
      cell: { a: a!, b: b!, c: c!, alpha: alpha!, beta: beta!, gamma: gamma! },
      spaceGroup: values['space-group'],
      entries: numberOption('entries', values.entries)!,
      compression,
      dtype,
      sample: values.sample,
      label: values.label,
      scan: values.scan,
      overwrite: values.overwrite,
      signal: io.signal,
      onProgress: progressPrinter(io, !values.json),
    };
    const frames = numberOption('frames', values.frames);
    if (frames !== undefined) options.nframes = frames;
    const started = performance.now();
    const summary = await simulateExperiment(options);
    const seconds = (performance.now() - started) / 1000;
    if (values.json) io.out(JSON.stringify({ ...summary, seconds }, null, 2));
    else {
      io.out(`wrote ${summary.wrapperFile}`);
      for (const e of summary.entries) {
        io.out(`  ${e.name}: ${e.nframes} frames → ${e.rawFile} (${e.reflections} reflections)`);
      }
      io.out(`truth: ${summary.truthFile}`);
      io.out(`${seconds.toFixed(1)} s`);
    }
    return 0;
  },
};

export default command;
