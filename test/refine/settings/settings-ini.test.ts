import { describe, expect, it } from 'vitest';

import {
  DEFAULT_SETTINGS,
  formatG,
  formatSettingsIni,
  parseSettingsIni,
  parseSettingValue,
  withDefaults,
} from '../../../src/refine/settings/settings-ini.ts';

describe('settings.ini', () => {
  it("formats numbers exactly as Python's '%g' (values printed by python3)", () => {
    const python: Array<[number, string]> = [
      [0.2, '0.2'],
      [500, '500'],
      [50000, '50000'],
      [1e-5, '1e-05'],
      [123456789, '1.23457e+08'],
      [-5.0, '-5'],
      [1234567, '1.23457e+06'],
      [0.000123456, '0.000123456'],
      [12.3456789, '12.3457'],
      [1e6, '1e+06'],
      [999999.5, '1e+06'],
      [0.0001, '0.0001'],
    ];
    for (const [x, s] of python) expect(formatG(x), String(x)).toBe(s);
  });

  it('parses values as NXSettings.get does', () => {
    expect(parseSettingValue('None')).toBeNull();
    expect(parseSettingValue('')).toBeNull();
    expect(parseSettingValue('yes')).toBe(true);
    expect(parseSettingValue('N')).toBe(false);
    expect(parseSettingValue('3640')).toBe(3640);
    expect(parseSettingValue('0.05')).toBe(0.05);
    expect(parseSettingValue('-y +z -x')).toBe('-y +z -x');
    expect(parseSettingValue('monitor1')).toBe('monitor1');
  });

  it('round-trips the defaults and fills missing keys', () => {
    const text = formatSettingsIni(DEFAULT_SETTINGS);
    expect(text).toContain('[nxreduce]\nthreshold = 50000\n');
    expect(parseSettingsIni(text)).toEqual(DEFAULT_SETTINGS);
    const partial = parseSettingsIni('[nxreduce]\nthreshold = 20000\n# comment\nfirst: 5\n');
    const full = withDefaults(partial);
    expect(full['nxreduce']!['threshold']).toBe(20000);
    expect(full['nxreduce']!['first']).toBe(5);
    expect(full['nxreduce']!['last']).toBe(3640);
    expect(full['nxrefine']!['wavelength']).toBe(0.2);
  });

  it('rejects a line outside any section', () => {
    expect(() => parseSettingsIni('threshold = 5\n')).toThrow(/cannot parse/);
  });
});
