import { describe, expect, it } from 'vitest';

import {
  convertUnits,
  energyKeVToWavelength,
  loadUnitConverter,
  normalizeUnit,
  wavelengthToEnergyKeV,
} from '../../../src/nexus/units/convert-units.ts';

describe('NeXus unit spellings', () => {
  it('maps the spellings found in files to mathjs units', () => {
    for (const s of ['Angstrom', 'Angstroms', 'angstroms', 'Ang', 'Å', 'angstrom'])
      expect(normalizeUnit(s)).toBe('angstrom');
    for (const s of ['degrees', 'deg', 'degree', '°', 'Degrees']) expect(normalizeUnit(s)).toBe('deg');
    for (const s of ['µm', 'μm', 'um', 'microns']) expect(normalizeUnit(s)).toBe('um');
    for (const s of ['Ang-1', '1/Angstrom', 'Angstrom^-1', 'Å-1'])
      expect(normalizeUnit(s)).toBe('angstrom^-1');
    expect(normalizeUnit('KeV')).toBe('keV');
    expect(normalizeUnit('MeV')).toBe('MeV');
  });
});

describe('conversion (mathjs, lazy)', () => {
  it('converts lengths, angles, energies and reciprocal lengths', async () => {
    const c = await loadUnitConverter();
    expect(c.convert(0.25, 'm', 'mm')).toBeCloseTo(250, 12);
    expect(c.convert(650, 'mm', 'metres')).toBeCloseTo(0.65, 12);
    expect(c.convert(1, 'nm', 'Angstroms')).toBeCloseTo(10, 12);
    expect(c.convert(0.9, 'Ang', 'nm')).toBeCloseTo(0.09, 12);
    expect(c.convert(180, 'degrees', 'radians')).toBeCloseTo(Math.PI, 12);
    expect(c.convert(Math.PI / 2, 'rad', '°')).toBeCloseTo(90, 12);
    expect(c.convert(12.4, 'keV', 'eV')).toBeCloseTo(12400, 9);
    expect(c.convert(75, 'µm', 'mm')).toBeCloseTo(0.075, 12);
    expect(c.convert(1, 'Ang-1', 'nm^-1')).toBeCloseTo(10, 12);
    expect(c.convert(300, 'K', 'degC')).toBeCloseTo(26.85, 9);
    const rad = c.convertArray([0, 90, 180], 'deg', 'rad');
    [0, Math.PI / 2, Math.PI].forEach((x, i) => expect(rad[i]).toBeCloseTo(x, 12));
    expect(await convertUnits(2, 'mm', 'um')).toBeCloseTo(2000, 9);
  });

  it('refuses incompatible or unknown units', async () => {
    const c = await loadUnitConverter();
    expect(() => c.convert(1, 'mm', 'deg')).toThrow(RangeError);
    expect(() => c.convert(1, 'furlongs-ish', 'mm')).toThrow(RangeError);
    expect(c.compatible('Angstrom', 'nm')).toBe(true);
    expect(c.compatible('keV', 'mm')).toBe(false);
  });

  it('relates energy and wavelength with NXRefine’s constant', () => {
    expect(wavelengthToEnergyKeV(0.2)).toBeCloseTo(61.99209869820358, 12);
    expect(energyKeVToWavelength(wavelengthToEnergyKeV(0.98027))).toBeCloseTo(0.98027, 14);
  });
});
