import type { MathJsInstance } from 'mathjs';

/** The part of mathjs used here. */
type MathJsUnits = Pick<MathJsInstance, 'unit'>;

/**
 * NeXus `units` attribute conversion. Files mix spellings ('Angstrom', 'angstroms', 'Ang', 'Å',
 * 'degrees', 'deg', 'degree', '°', 'µm' in Latin-1 or UTF-8, 'Ang-1', '1/Angstrom'…);
 * {@link normalizeUnit} maps them to mathjs names, and mathjs does the arithmetic. mathjs is loaded
 * lazily (about 650 ms the first time), once.
 */

/** Spelling → mathjs unit. Keys are compared case-sensitively first, then lower-cased. */
const ALIASES: Record<string, string> = {
  å: 'angstrom',
  Å: 'angstrom',
  angstrom: 'angstrom',
  angstroms: 'angstrom',
  ang: 'angstrom',
  aa: 'angstrom',
  deg: 'deg',
  degree: 'deg',
  degrees: 'deg',
  '°': 'deg',
  rad: 'rad',
  radian: 'rad',
  radians: 'rad',
  µm: 'um',
  μm: 'um',
  um: 'um',
  micron: 'um',
  microns: 'um',
  micrometer: 'um',
  micrometre: 'um',
  micrometers: 'um',
  micrometres: 'um',
  mm: 'mm',
  millimeter: 'mm',
  millimetre: 'mm',
  millimeters: 'mm',
  millimetres: 'mm',
  cm: 'cm',
  nm: 'nm',
  nanometer: 'nm',
  nanometers: 'nm',
  m: 'm',
  meter: 'm',
  metre: 'm',
  meters: 'm',
  metres: 'm',
  s: 's',
  sec: 's',
  second: 's',
  seconds: 's',
  ms: 'ms',
  k: 'K',
  kelvin: 'K',
  kev: 'keV',
  ev: 'eV',
  hz: 'Hz',
};

/** Map a NeXus unit spelling to a mathjs unit expression ('Ang-1' → 'angstrom^-1'). */
export function normalizeUnit(raw: string): string {
  let u = raw.trim();
  if (u === '') return '';
  // reciprocal forms: '1/X', 'X-1', 'X^-1', 'X**-1'
  const recip = /^1\s*\/\s*(.+)$/.exec(u) ?? /^(.+?)\s*(?:\^|\*\*)?\s*-1$/.exec(u);
  if (recip?.[1]) return `${normalizeUnit(recip[1])}^-1`;
  const exact = ALIASES[u];
  if (exact !== undefined) return exact;
  const lower = ALIASES[u.toLowerCase()];
  if (lower !== undefined) return lower;
  u = u.replace(/µ|μ/g, 'u');
  return u;
}

export interface UnitConverter {
  /** value in `from` → value in `to`. Throws RangeError for incompatible or unknown units. */
  convert(value: number, from: string, to: string): number;
  /** Element-wise conversion (linear map, so temperature offsets work too). */
  convertArray(values: ArrayLike<number>, from: string, to: string): Float64Array;
  /** True when both units parse and have the same dimension. */
  compatible(from: string, to: string): boolean;
}

let loading: Promise<UnitConverter> | undefined;

function makeConverter(m: MathJsUnits): UnitConverter {
  const conv = (value: number, from: string, to: string): number => {
    const f = normalizeUnit(from);
    const t = normalizeUnit(to);
    if (f === t) return value;
    try {
      return m.unit(value, f).toNumber(t);
    } catch (e) {
      throw new RangeError(`cannot convert '${from}' to '${to}': ${(e as Error).message}`);
    }
  };
  return {
    convert: conv,
    convertArray(values, from, to) {
      const b = conv(0, from, to);
      const a = conv(1, from, to) - b;
      const out = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = a * values[i]! + b;
      return out;
    },
    compatible(from, to) {
      try {
        conv(1, from, to);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The converter (mathjs imported on first call). */
export function loadUnitConverter(): Promise<UnitConverter> {
  loading ??= import('mathjs').then((m) => makeConverter(m));
  return loading;
}

export async function convertUnits(value: number, from: string, to: string): Promise<number> {
  return (await loadUnitConverter()).convert(value, from, to);
}

/** hc in keV·Å as NXRefine uses it (energy = 12.398419739640717 / wavelength). */
export const HC_KEV_ANGSTROM = 12.398419739640717;

export function wavelengthToEnergyKeV(wavelengthAngstrom: number): number {
  return HC_KEV_ANGSTROM / wavelengthAngstrom;
}

export function energyKeVToWavelength(energyKeV: number): number {
  return HC_KEV_ANGSTROM / energyKeV;
}
