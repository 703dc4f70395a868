import { newConfiguration, readConfigurationDefaults } from '../../engine/experiment/new-configuration.ts';
import {
  MAX_DETECTOR_POSITIONS,
  type ConfigurationSettings,
  type DetectorPosition,
} from '../../refine/experiment/configuration.ts';
import { CONFIGURATION_DETECTORS, DEFAULT_DETECTOR } from '../../refine/experiment/detectors.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberListOption, numberOption, parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr new-configuration EXPDIR NAME [options]
       nxr new-configuration --list-detectors

Experiment ▸ New Configuration: writes EXPDIR/configurations/NAME.nxs, the instrument template
New Scan copies: /entry (nxreduce parameters, instrument with monochromator, detector and
goniometer) and one entry f1 … fN per detector position. Values not given come from the
experiment's tasks/settings.ini ([instrument], [nxrefine], [nxreduce]), else NXRefine's defaults.

options:
  --facility NAME        Name of Facility                       [settings source]
  --instrument NAME      Instrument Name                        [settings instrument]
  --wavelength Å         Wavelength                             [0.2]
  --distance MM          Detector distance                      [500]
  --detector NAME        detector model (see --list-detectors)  [${DEFAULT_DETECTOR}]
  --orientation TEXT     detector orientation                   ['-y +z -x']
  --beam-center X,Y      beam centre, pixels (otherwise set by Calibrate Powder)
  --positions N          number of detector positions 0–${MAX_DETECTOR_POSITIONS}       [1]
  --chi LIST --omega LIST --theta LIST     per-position angles, degrees: one value for all
                         positions or one per position, comma-separated      [0]
  --x LIST --y LIST      per-position detector translation, mm                [0]
  --phi-start DEG --phi-end DEG --phi-step DEG     rotation               [-5, 360, 0.1]
  --frame-rate HZ        frames per second                                   [10]
  --threshold N --first N --last N --polar-max DEG --hkl-tolerance X --monitor NAME --norm N
  --radius X             analysis settings (/entry/nxreduce)
  --overwrite            replace an existing configuration
  --list-detectors       print the detector models and exit
  --json                 print the result as JSON

Negative values go with '=': --omega=-10,0,10 --phi-start=-5.`;

const NUMBERS = [
  ['wavelength', 'wavelength'],
  ['distance', 'distance'],
  ['phi-start', 'phiStart'],
  ['phi-end', 'phiEnd'],
  ['phi-step', 'phiStep'],
  ['frame-rate', 'frameRate'],
  ['threshold', 'threshold'],
  ['first', 'first'],
  ['last', 'last'],
  ['polar-max', 'polarMax'],
  ['hkl-tolerance', 'hklTolerance'],
  ['norm', 'norm'],
  ['radius', 'radius'],
] as const satisfies ReadonlyArray<readonly [string, keyof ConfigurationSettings]>;

const POSITION_KEYS = ['chi', 'omega', 'theta', 'x', 'y'] as const;

/** Per-position values: one for all, or one per position. */
export function perPosition(name: string, raw: string | undefined, n: number): number[] | undefined {
  const list = numberListOption(name, raw);
  if (list === undefined) return undefined;
  if (list.length === 1) return Array.from({ length: n }, () => list[0]!);
  if (list.length !== n)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `--${name} needs one value or ${n} (one per detector position), got ${list.length}`,
    });
  return list;
}

const command: Command = {
  summary: 'write configurations/<name>.nxs of an experiment (Experiment ▸ New Configuration)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...Object.fromEntries(NUMBERS.map(([o]) => [o, { type: 'string' as const }])),
      ...Object.fromEntries(POSITION_KEYS.map((k) => [k, { type: 'string' as const }])),
      facility: { type: 'string' },
      instrument: { type: 'string' },
      detector: { type: 'string' },
      orientation: { type: 'string' },
      monitor: { type: 'string' },
      'beam-center': { type: 'string' },
      positions: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      'list-detectors': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    const v = values as Record<string, string | boolean | undefined>;
    if (v['list-detectors'] === true) {
      if (v['json'] === true)
        io.out(
          JSON.stringify(
            CONFIGURATION_DETECTORS.map((d) => ({ ...d })),
            null,
            2,
          ),
        );
      else
        for (const d of CONFIGURATION_DETECTORS)
          io.out(
            `${d.name.padEnd(22)} ${String(d.shape[0]).padStart(5)} × ${String(d.shape[1]).padEnd(5)} ${d.pixelSize} mm${d.layout ? '  module gaps masked' : ''}`,
          );
      return 0;
    }
    if (positionals.length !== 2)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message:
          'give the experiment directory and the configuration name (nxr new-configuration EXPDIR NAME)',
      });
    const [directory, name] = positionals as [string, string];
    const c = readConfigurationDefaults(directory);
    for (const [opt, key] of NUMBERS) {
      const x = numberOption(opt, v[opt] as string | undefined);
      if (x !== undefined) (c as unknown as Record<string, number>)[key] = x;
    }
    if (typeof v['facility'] === 'string') c.facility = v['facility'];
    if (typeof v['instrument'] === 'string') c.instrument = v['instrument'];
    if (typeof v['detector'] === 'string') c.detector = v['detector'];
    if (typeof v['orientation'] === 'string') c.detectorOrientation = v['orientation'];
    if (typeof v['monitor'] === 'string') c.monitor = v['monitor'];
    const bc = numberListOption('beam-center', v['beam-center'] as string | undefined, 2);
    if (bc !== undefined) [c.beamCenterX, c.beamCenterY] = bc as [number, number];
    const n = numberOption('positions', v['positions'] as string | undefined) ?? 1;
    if (!Number.isInteger(n) || n < 0 || n > MAX_DETECTOR_POSITIONS)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--positions must be a whole number 0–${MAX_DETECTOR_POSITIONS}, got ${n}`,
      });
    const base = c.positions[0]!;
    const lists = Object.fromEntries(
      POSITION_KEYS.map((k) => [k, perPosition(k, v[k] as string | undefined, n)]),
    ) as Record<(typeof POSITION_KEYS)[number], number[] | undefined>;
    c.positions = Array.from({ length: n }, (_, i): DetectorPosition => ({
      chi: lists.chi?.[i] ?? base.chi,
      omega: lists.omega?.[i] ?? base.omega,
      theta: lists.theta?.[i] ?? base.theta,
      x: lists.x?.[i] ?? base.x,
      y: lists.y?.[i] ?? base.y,
    }));
    const r = await newConfiguration(
      { directory, name, values: c, overwrite: v['overwrite'] === true },
      { signal: io.signal },
    );
    if (v['json'] === true) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    io.out(`configuration ${r.file}`);
    io.out(`entries: ${r.entries.join(', ')}`);
    io.out(
      `detector: ${r.detector.name}, ${r.detector.shape[0]} × ${r.detector.shape[1]} pixels of ${r.detector.pixelSize} mm` +
        (r.detector.maskedPixels !== null ? `, ${r.detector.maskedPixels} gap pixels masked` : ''),
    );
    io.out(`rotation: ${c.phiStart}° → ${c.phiEnd}° in ${c.phiStep}° steps = ${r.nframes} frames`);
    return 0;
  },
};

export default command;
