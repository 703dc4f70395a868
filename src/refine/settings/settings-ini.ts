/**
 * NXRefine's settings.ini (nxrefine-spec.md §2.2–2.3): sections [instrument], [nxrefine],
 * [nxreduce] (and [server], [nodes] on the server file). Values are parsed as NXSettings.get does:
 * None/none/'' → null; True/true/Yes/yes/Y/y → true; False/false/No/no/N/n → false; numbers →
 * number (Python's float(): also inf, nan); anything else → string. Numbers are written with
 * Python's '%g'. A key without a value (configparser's allow_no_value, e.g. the host names of
 * [nodes]) reads as null.
 */
export type SettingValue = string | number | boolean | null;
export type SettingsSection = Record<string, SettingValue>;
export type Settings = Record<string, SettingsSection>;

/** Built-in defaults of the classic version (spec §2.3) for an experiment's tasks/settings.ini. */
export const DEFAULT_SETTINGS: Settings = {
  instrument: {
    source: null,
    instrument: null,
    raw_home: null,
    raw_path: null,
    analysis_home: null,
    analysis_path: null,
    experiment: null,
  },
  nxrefine: {
    wavelength: 0.2,
    distance: 500,
    detector_orientation: '-y +z -x',
    phi: -5.0,
    phi_end: 360.0,
    phi_step: 0.1,
    chi: 0.0,
    omega: 0.0,
    theta: 0.0,
    x: 0.0,
    y: 0.0,
    nsteps: 3,
    frame_rate: 10,
  },
  nxreduce: {
    threshold: 50000,
    min_pixels: 10,
    first: 10,
    last: 3640,
    polar_max: 10.0,
    hkl_tolerance: 0.05,
    monitor: 'monitor1',
    norm: 50000,
    polarization: 0.99,
    qmin: 5.0,
    qmax: 10.0,
    radius: 0.2,
  },
};

/** The [server] section of the server settings file (spec §2.3). */
export const SERVER_DEFAULTS: Settings = {
  server: {
    type: 'multicore',
    cores: 4,
    concurrent: true,
    run_command: null,
    template: null,
    cctw: 'cctw',
  },
};

/** Defaults of the server settings file: [server], then the experiment sections. */
export const DEFAULT_SERVER_SETTINGS: Settings = { ...SERVER_DEFAULTS, ...DEFAULT_SETTINGS };

/** Sections only the server file has; removed when the server file is copied into an experiment. */
export const SERVER_ONLY_SECTIONS: readonly string[] = ['server', 'nodes', 'setup'];

export function parseSettingValue(raw: string): SettingValue {
  const v = raw.trim();
  if (v === '' || v === 'None' || v === 'none') return null;
  if (['True', 'true', 'Yes', 'yes', 'Y', 'y'].includes(v)) return true;
  if (['False', 'false', 'No', 'no', 'N', 'n'].includes(v)) return false;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(v);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  return v;
}

/** Python's '%g': 6 significant digits, exponent form outside [1e-4, 1e6). */
export function formatG(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  const s = x.toPrecision(6);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export function formatSettingValue(v: SettingValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return formatG(v);
  return v;
}

/** Parse INI text (configparser style: `key = value` or `key: value`, `#`/`;` comments). */
export function parseSettingsIni(text: string): Settings {
  const out: Settings = {};
  let section: SettingsSection | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim();
      section = out[name] ?? (out[name] = {});
      continue;
    }
    if (!section) throw new Error(`settings.ini: cannot parse line '${rawLine}' (outside any [section])`);
    const m = /^([^=:]+)[=:](.*)$/.exec(line);
    if (m) section[m[1]!.trim().toLowerCase()] = parseSettingValue(m[2]!);
    else section[line.toLowerCase()] = null; // a key without a value
  }
  return out;
}

/** INI text as configparser writes it (`key = value`; the host names of [nodes] bare). */
export function formatSettingsIni(settings: Settings): string {
  const parts: string[] = [];
  for (const [name, section] of Object.entries(settings)) {
    parts.push(`[${name}]`);
    for (const [key, value] of Object.entries(section))
      parts.push(name === 'nodes' && value === null ? key : `${key} = ${formatSettingValue(value)}`);
    parts.push('');
  }
  return parts.join('\n');
}

/** Fill missing sections/keys from `defaults` (NXSettings fills missing options from defaults). */
export function withDefaults(settings: Settings, defaults: Settings = DEFAULT_SETTINGS): Settings {
  const out: Settings = {};
  for (const [name, section] of Object.entries(defaults))
    out[name] = { ...section, ...(settings[name] ?? {}) };
  for (const [name, section] of Object.entries(settings)) if (!(name in out)) out[name] = { ...section };
  return out;
}

export type SettingsScope = 'server' | 'experiment';

/** The sections NXSettings keeps in order for a scope, with their defaults. */
export function defaultsFor(scope: SettingsScope): Settings {
  return scope === 'server' ? DEFAULT_SERVER_SETTINGS : DEFAULT_SETTINGS;
}

export interface NormalizedSettings {
  /** Known sections in NXRefine's order with every key (file order, then missing defaults), then other sections. */
  settings: Settings;
  /** Keys taken from the defaults because the file lacks them. */
  filled: Array<{ section: string; key: string }>;
  /** Unknown keys of known sections, and the server-only sections of an experiment file: removed. */
  dropped: Array<{ section: string; key: string; value: SettingValue }>;
}

/**
 * NXSettings' clean-up when it reads a file: missing sections and keys are filled from the
 * defaults, keys a known section does not have are removed; other sections are kept as they are
 * (e.g. [nodes] of the server file). For an experiment file, the server-only sections are removed.
 */
export function normalizeSettings(settings: Settings, scope: SettingsScope): NormalizedSettings {
  const defaults = defaultsFor(scope);
  const out: Settings = {};
  const filled: NormalizedSettings['filled'] = [];
  const dropped: NormalizedSettings['dropped'] = [];
  for (const [name, defs] of Object.entries(defaults)) {
    const given = settings[name] ?? {};
    const section: SettingsSection = {};
    for (const [key, value] of Object.entries(given)) {
      if (key in defs) section[key] = value;
      else dropped.push({ section: name, key, value });
    }
    for (const [key, value] of Object.entries(defs)) {
      if (!(key in section)) {
        section[key] = value;
        filled.push({ section: name, key });
      }
    }
    out[name] = section;
  }
  for (const [name, section] of Object.entries(settings)) {
    if (name in out) continue;
    if (scope === 'experiment' && SERVER_ONLY_SECTIONS.includes(name)) {
      for (const [key, value] of Object.entries(section)) dropped.push({ section: name, key, value });
      continue;
    }
    out[name] = { ...section };
  }
  return { settings: out, filled, dropped };
}

/**
 * An experiment's tasks/settings.ini made from the server settings (NXSettings(create=True) copies
 * the server file): server-only sections removed, defaults filled, unknown keys dropped.
 */
export function experimentSettingsFromServer(server: Settings | undefined): Settings {
  return normalizeSettings(server ?? {}, 'experiment').settings;
}
