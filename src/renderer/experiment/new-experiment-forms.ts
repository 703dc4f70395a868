/**
 * The field values of New Experiment, New Configuration, New Scan and Edit Settings as the jobs
 * take them, and the checks shown beside the fields — the engine's rules (src/refine/experiment,
 * src/refine/settings), so a value flagged here is one the job refuses.
 */
import type { ConfigurationSettings, DetectorPosition } from '../../refine/experiment/configuration.ts';
import { checkName, checkSubpath } from '../../refine/experiment/names.ts';
import type { ScanSettings } from '../../refine/experiment/scan.ts';
import { checkSettingValue } from '../../refine/settings/setting-rules.ts';
import { parseSettingValue, type Settings } from '../../refine/settings/settings-ini.ts';
import type { SettingsSummary } from '../../shared/experiment-jobs.ts';
import { parseNumber } from '../dialogs/validate.ts';

// ---- New Experiment

export type ExperimentKey = 'source' | 'instrument' | 'rawHome' | 'rawPath' | 'analysisPath' | 'experiment';

const isAbsolute = (p: string): boolean =>
  p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');

/** Messages by field; `home` is the Analysis Home Directory ('' is the served folder in browser mode). */
export function checkExperimentForm(
  v: Record<ExperimentKey, string>,
  home: string,
  instruments: readonly string[],
  browserMode: boolean,
): Partial<Record<ExperimentKey | 'home', string>> {
  const out: Partial<Record<ExperimentKey | 'home', string>> = {};
  if (!browserMode && home.trim() === '') out.home = 'choose the analysis home directory';
  const name = checkName('experiment', v.experiment);
  if (name !== undefined) out.experiment = name;
  const sub = checkSubpath(v.analysisPath.trim());
  if (sub !== undefined) out.analysisPath = sub;
  const raw = checkSubpath(v.rawPath.trim());
  if (raw !== undefined) out.rawPath = raw;
  if (v.rawHome.trim() !== '' && !isAbsolute(v.rawHome.trim()))
    out.rawHome = 'an absolute directory on the machine with the raw data';
  const inst = v.instrument.trim();
  if (inst !== '' && !instruments.some((i) => i.toLowerCase() === inst.toLowerCase()))
    out.instrument = `a registered beamline: ${instruments.join(', ')}`;
  return out;
}

// ---- New Configuration

export type ConfigurationNumberKey =
  | 'wavelength'
  | 'threshold'
  | 'first'
  | 'last'
  | 'polarMax'
  | 'hklTolerance'
  | 'norm'
  | 'radius'
  | 'phiStart'
  | 'phiEnd'
  | 'phiStep'
  | 'frameRate'
  | 'distance'
  | 'beamCenterX'
  | 'beamCenterY';
export type ConfigurationTextKey = 'name' | 'facility' | 'instrument' | 'monitor' | 'detectorOrientation';
export type ConfigurationKey = ConfigurationNumberKey | ConfigurationTextKey;
export type PositionKey = keyof DetectorPosition;
export const POSITION_KEYS: readonly PositionKey[] = ['chi', 'omega', 'theta', 'x', 'y'];

/** The typed values as the job takes them (NaN where a number is not one: the checks say so). */
export function fromForm(
  v: Record<ConfigurationKey, string>,
  detector: string,
  positions: ReadonlyArray<Record<PositionKey, string>>,
): ConfigurationSettings {
  const n = (k: ConfigurationNumberKey): number => parseNumber(v[k]);
  return {
    facility: v.facility.trim(),
    instrument: v.instrument.trim(),
    wavelength: n('wavelength'),
    threshold: n('threshold'),
    first: n('first'),
    last: n('last'),
    polarMax: n('polarMax'),
    hklTolerance: n('hklTolerance'),
    monitor: v.monitor.trim(),
    norm: n('norm'),
    radius: n('radius'),
    phiStart: n('phiStart'),
    phiEnd: n('phiEnd'),
    phiStep: n('phiStep'),
    frameRate: n('frameRate'),
    distance: n('distance'),
    detector,
    detectorOrientation: v.detectorOrientation.trim(),
    ...(v.beamCenterX.trim() !== '' ? { beamCenterX: n('beamCenterX') } : {}),
    ...(v.beamCenterY.trim() !== '' ? { beamCenterY: n('beamCenterY') } : {}),
    positions: positions.map(
      (p) =>
        Object.fromEntries(POSITION_KEYS.map((k) => [k, parseNumber(p[k])])) as unknown as DetectorPosition,
    ),
  };
}

// ---- New Scan

export type ScanKey = 'scan' | 'temperature' | 'phiStart' | 'phiEnd' | 'phiStep' | 'frameRate';
export type ScanPositionKey = PositionKey | 'linkFile' | 'linkPath';

export function fromScanForm(
  v: Record<ScanKey, string>,
  positions: ReadonlyArray<Record<ScanPositionKey, string>>,
): ScanSettings {
  return {
    scan: v.scan.trim(),
    temperature: parseNumber(v.temperature),
    phiStart: parseNumber(v.phiStart),
    phiEnd: parseNumber(v.phiEnd),
    phiStep: parseNumber(v.phiStep),
    frameRate: parseNumber(v.frameRate),
    positions: positions.map((p) => ({
      ...(Object.fromEntries(POSITION_KEYS.map((k) => [k, parseNumber(p[k])])) as Record<
        PositionKey,
        number
      >),
      linkFile: p.linkFile.trim(),
      linkPath: p.linkPath.trim(),
    })),
  };
}

// ---- Edit Settings

/** The messages beside the fields ('section.key'): each typed value parsed as settings.ini text and checked. */
export function checkSettingsForm(s: SettingsSummary, texts: Record<string, string>): Record<string, string> {
  const all: Settings = {};
  for (const sec of s.sections)
    all[sec.name] = Object.fromEntries(
      sec.entries.map((e) => [e.key, parseSettingValue(texts[`${sec.name}.${e.key}`] ?? e.text)]),
    );
  const out: Record<string, string> = {};
  for (const sec of s.sections)
    for (const e of sec.entries) {
      const m = checkSettingValue(sec.name, e.key, all[sec.name]![e.key]!, all, {
        instruments: s.instruments,
      });
      if (m !== undefined) out[`${sec.name}.${e.key}`] = m;
    }
  return out;
}
