/**
 * Colour mapping of one detector frame to the indices of a 256-colour palette (runs in the colour-
 * map worker, which writes them as an 8-bit PNG; pure, so it is tested directly). Pixels fall in four classes, each drawn distinctly and counted for the
 * colour bar:
 *
 * - masked: pixel_mask ≠ 0 (hot, dead, gap pixels) — the map's `masked` colour;
 * - not finite: NaN, ±Inf (missing frames) — the `nan` colour;
 * - negative: < 0 (Pilatus marks gaps and bad pixels with −1, −2) — the `negative` colour;
 * - valid: everything else, through the colour table between the limits `lo`…`hi` (linear, or
 *   log10 where values ≤ lo, including 0, take the lowest colour). Values outside the limits are
 *   clamped to the ends of the table.
 *
 * Automatic limits are the smallest and largest valid value (log: the smallest positive one), as
 * NeXpy and h5web choose them.
 */
import { CIVIDIS_HEX, INFERNO_HEX, VIRIDIS_HEX } from './colormap-tables.ts';

export type ColormapName = 'viridis' | 'inferno' | 'cividis' | 'gray';
export type ColorScale = 'linear' | 'log';
export type Rgb = [number, number, number];

export const COLORMAP_NAMES: readonly ColormapName[] = ['viridis', 'inferno', 'cividis', 'gray'];

export interface ColorOptions {
  colormap: ColormapName;
  scale: ColorScale;
  /** Colour limits; null or undefined = automatic. */
  min?: number | null;
  max?: number | null;
  /** pixel_mask, one byte per pixel (non-zero = masked), or null. */
  mask?: Uint8Array | null;
}

export interface FrameColorStats {
  /** Limits used (log: both > 0). */
  lo: number;
  hi: number;
  /** Automatic limits of this frame (NaN when no pixel is valid). */
  autoLo: number;
  autoHi: number;
  /** Pixels drawn from the colour table. */
  valid: number;
  masked: number;
  notFinite: number;
  negative: number;
}

/** Colours of the special classes, chosen per table so they never look like data. */
export interface SpecialColors {
  masked: Rgb;
  nan: Rgb;
  negative: Rgb;
}

export const SPECIAL_COLORS: Record<ColormapName, SpecialColors> = {
  viridis: { masked: [150, 150, 150], nan: [255, 255, 255], negative: [0, 0, 0] },
  cividis: { masked: [200, 60, 60], nan: [255, 255, 255], negative: [0, 0, 0] },
  inferno: { masked: [110, 170, 230], nan: [255, 255, 255], negative: [40, 110, 60] },
  gray: { masked: [200, 60, 60], nan: [90, 140, 220], negative: [60, 150, 80] },
};

function tableFromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const tables = new Map<ColormapName, Uint8Array>();

/** The 256 RGB triples of a colour table. */
export function colorTable(name: ColormapName): Uint8Array {
  let t = tables.get(name);
  if (!t) {
    if (name === 'gray') {
      t = new Uint8Array(768);
      for (let i = 0; i < 256; i++) t[3 * i] = t[3 * i + 1] = t[3 * i + 2] = i;
    } else
      t = tableFromHex(name === 'viridis' ? VIRIDIS_HEX : name === 'inferno' ? INFERNO_HEX : CIVIDIS_HEX);
    tables.set(name, t);
  }
  return t;
}

/** Palette indices of the special classes; the colour table takes indices 0…LEVELS−1. */
export const LEVELS = 253;
export const INDEX_MASKED = 253;
export const INDEX_NAN = 254;
export const INDEX_NEGATIVE = 255;

/**
 * The 256-entry RGB palette of a frame image: the colour table resampled to {@link LEVELS} levels,
 * then the masked, NaN and negative colours.
 */
export function framePalette(name: ColormapName): Uint8Array {
  const table = colorTable(name);
  const out = new Uint8Array(768);
  for (let i = 0; i < LEVELS; i++) {
    const j = Math.round((i * 255) / (LEVELS - 1));
    out.set(table.subarray(3 * j, 3 * j + 3), 3 * i);
  }
  const sp = SPECIAL_COLORS[name];
  out.set(sp.masked, 3 * INDEX_MASKED);
  out.set(sp.nan, 3 * INDEX_NAN);
  out.set(sp.negative, 3 * INDEX_NEGATIVE);
  return out;
}

/** One pass over a frame: automatic limits of the valid pixels (log: smallest positive value;
 * NaN when none) and how many pixels fall in each special class. */
export function scanFrame(
  data: ArrayLike<number>,
  scale: ColorScale,
  mask?: Uint8Array | null,
): { lo: number; hi: number; valid: number; masked: number; notFinite: number; negative: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let valid = 0;
  let masked = 0;
  let notFinite = 0;
  let negative = 0;
  const n = data.length;
  const log = scale === 'log';
  const m = mask && mask.length === n ? mask : null;
  for (let i = 0; i < n; i++) {
    if (m !== null && m[i] !== 0) {
      masked++;
      continue;
    }
    const v = data[i]!;
    if (v >= 0 && v !== Infinity) {
      valid++;
      if (v > hi) hi = v;
      if (log ? v > 0 && v < lo : v < lo) lo = v;
    } else if (v < 0 && v !== -Infinity) negative++;
    else notFinite++;
  }
  if (valid === 0) return { lo: NaN, hi: NaN, valid, masked, notFinite, negative };
  if (lo === Infinity) lo = hi > 0 ? hi : 1; // log with no positive value
  return { lo, hi, valid, masked, notFinite, negative };
}

/** The limits actually used: given values win, then automatic ones; always lo < hi (log: 0 < lo). */
export function resolveLimits(
  auto: { lo: number; hi: number },
  options: Pick<ColorOptions, 'min' | 'max' | 'scale'>,
): { lo: number; hi: number } {
  const log = options.scale === 'log';
  let lo = options.min ?? auto.lo;
  let hi = options.max ?? auto.hi;
  if (!Number.isFinite(lo)) lo = log ? 1 : 0;
  if (!Number.isFinite(hi)) hi = lo + 1;
  if (log && lo <= 0) lo = hi > 1 ? Math.min(1, hi / 10) : hi > 0 ? hi / 10 : 1;
  if (!(hi > lo)) {
    // a flat range: the values present take the top colour (a 0/1 mask shows its ones), unless
    // the lower limit was given
    if ((options.min ?? null) === null && (!log || hi > 0)) lo = log ? hi / 10 : hi - 1;
    else hi = log ? lo * 10 : lo + 1;
  }
  return { lo, hi };
}

/** Level (0…LEVELS−1) of a valid value: linear or log between lo and hi, clamped. */
export function levelOf(v: number, lo: number, hi: number, scale: ColorScale): number {
  const t =
    scale === 'log'
      ? v <= lo
        ? 0
        : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
      : (v - lo) / (hi - lo);
  const k = Math.floor(t * LEVELS);
  return k <= 0 ? 0 : k >= LEVELS ? LEVELS - 1 : k;
}

/**
 * Level of every integer value 0…size−1 (what levelOf gives), filled level by level between the
 * boundary values, so a table of a million counts costs 253 boundary searches, not a million logs.
 */
export function levelTable(size: number, lo: number, hi: number, scale: ColorScale): Uint8Array {
  const table = new Uint8Array(size);
  let start = 0;
  for (let level = 0; level < LEVELS && start < size; level++) {
    // first value of the next level: from the inverse of the mapping, corrected to agree with levelOf
    let end: number;
    if (level === LEVELS - 1) end = size;
    else {
      const t = (level + 1) / LEVELS;
      const v = scale === 'log' ? lo * (hi / lo) ** t : lo + t * (hi - lo);
      end = Math.min(size, Math.max(start, Math.ceil(v)));
      while (end > start && levelOf(end - 1, lo, hi, scale) > level) end--;
      while (end < size && levelOf(end, lo, hi, scale) <= level) end++;
    }
    table.fill(level, start, end);
    start = end;
  }
  return table;
}

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array];
/** Integer frames whose limits span at most this many counts are mapped through a table. */
const TABLE_SPAN = 1 << 22;

/** The part of a frame to draw, in frame pixels [x0, x1) × [y0, y1), and its binning. */
export interface FrameWindow {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Frame pixels per image pixel along each axis (1 = full resolution). */
  bin: number;
}

export interface FrameImageIndices {
  /** Palette indices, row-major, `width` × `height`. */
  indices: Uint8Array;
  width: number;
  height: number;
  window: FrameWindow;
  stats: FrameColorStats;
}

/** The window clamped to the frame, with whole coordinates and bin ≥ 1. */
export function clampWindow(w: FrameWindow | undefined, width: number, height: number): FrameWindow {
  if (!w) return { x0: 0, y0: 0, x1: width, y1: height, bin: 1 };
  const x0 = Math.max(0, Math.min(width - 1, Math.floor(w.x0)));
  const y0 = Math.max(0, Math.min(height - 1, Math.floor(w.y0)));
  const x1 = Math.max(x0 + 1, Math.min(width, Math.ceil(w.x1)));
  const y1 = Math.max(y0 + 1, Math.min(height, Math.ceil(w.y1)));
  return { x0, y0, x1, y1, bin: Math.max(1, Math.floor(w.bin)) };
}

/**
 * Palette indices of (a window of) a frame, row-major `width` × `height` values. Limits and class
 * counts are those of the whole frame, so colours do not change when zooming. With bin > 1 each
 * image pixel shows the highest level of its bin (a single bright pixel, a peak, stays visible);
 * a bin without valid pixels shows masked, else negative, else NaN. Integer frames go through a
 * value → level table (one look-up per pixel), floating-point ones through the formula.
 */
export function colorIndexFrame(
  data: ArrayLike<number>,
  width: number,
  height: number,
  options: ColorOptions,
  window?: FrameWindow,
): FrameImageIndices {
  const n = data.length;
  if (n !== width * height) throw new RangeError(`${n} values for a ${width} × ${height} frame`);
  const mask = options.mask && options.mask.length === n ? options.mask : null;
  const scan = scanFrame(data, options.scale, mask);
  const { lo, hi } = resolveLimits(scan, options);
  const integer = INTEGER_ARRAYS.some((T) => data instanceof T);
  // Integer values 0…top−1 take their level from the table; values ≥ top are above hi.
  const top = integer ? Math.floor(hi) + 1 : 0;
  const table = integer && top <= TABLE_SPAN ? levelTable(top, lo, hi, options.scale) : null;
  const log = options.scale === 'log';
  const f0 = log ? Math.log10(lo) : lo;
  const k = LEVELS / ((log ? Math.log10(hi) : hi) - f0);
  /** Level 0…LEVELS−1 of pixel i, or one of the special indices. */
  const indexOf = (i: number): number => {
    if (mask !== null && mask[i] !== 0) return INDEX_MASKED;
    const v = data[i]!;
    if (v >= 0 && v !== Infinity) {
      if (table !== null) return v < top ? table[v]! : LEVELS - 1;
      const t = log ? (v <= lo ? 0 : (Math.log10(v) - f0) * k) : (v - f0) * k;
      return t <= 0 ? 0 : t >= LEVELS ? LEVELS - 1 : t | 0;
    }
    return v < 0 && v !== -Infinity ? INDEX_NEGATIVE : INDEX_NAN;
  };
  const win = clampWindow(window, width, height);
  const b = win.bin;
  const ow = Math.ceil((win.x1 - win.x0) / b);
  const oh = Math.ceil((win.y1 - win.y0) / b);
  const indices = new Uint8Array(ow * oh);
  if (b === 1) {
    for (let y = 0; y < oh; y++) {
      const row = (win.y0 + y) * width + win.x0;
      const o = y * ow;
      if (table !== null) {
        // integer frames: one table look-up per pixel
        for (let x = 0; x < ow; x++) {
          const i = row + x;
          const v = data[i]!;
          indices[o + x] =
            mask !== null && mask[i] !== 0
              ? INDEX_MASKED
              : v >= 0
                ? v < top
                  ? table[v]!
                  : LEVELS - 1
                : INDEX_NEGATIVE;
        }
      } else for (let x = 0; x < ow; x++) indices[o + x] = indexOf(row + x);
    }
  } else {
    // Each bin: the highest level of its valid pixels; else masked, then negative, then NaN.
    const best = new Int16Array(ow);
    const flags = new Uint8Array(ow); // 1 masked, 2 negative, 4 NaN
    for (let oy = 0; oy < oh; oy++) {
      best.fill(-1);
      flags.fill(0);
      const ya = win.y0 + oy * b;
      const yb = Math.min(win.y1, ya + b);
      for (let y = ya; y < yb; y++) {
        const row = y * width;
        for (let x = win.x0; x < win.x1; x++) {
          const ox = ((x - win.x0) / b) | 0;
          const i = row + x;
          let c: number;
          if (table !== null) {
            const v = data[i]!;
            c =
              mask !== null && mask[i] !== 0
                ? INDEX_MASKED
                : v >= 0
                  ? v < top
                    ? table[v]!
                    : LEVELS - 1
                  : INDEX_NEGATIVE;
          } else c = indexOf(i);
          if (c < LEVELS) {
            if (c > best[ox]!) best[ox] = c;
          } else flags[ox]! |= c === INDEX_MASKED ? 1 : c === INDEX_NEGATIVE ? 2 : 4;
        }
      }
      const o = oy * ow;
      for (let ox = 0; ox < ow; ox++) {
        const f = flags[ox]!;
        indices[o + ox] =
          best[ox]! >= 0 ? best[ox]! : f & 1 ? INDEX_MASKED : f & 2 ? INDEX_NEGATIVE : INDEX_NAN;
      }
    }
  }
  return {
    indices,
    width: ow,
    height: oh,
    window: win,
    stats: {
      lo,
      hi,
      autoLo: scan.lo,
      autoHi: scan.hi,
      valid: scan.valid,
      masked: scan.masked,
      notFinite: scan.notFinite,
      negative: scan.negative,
    },
  };
}

/** Tick values for a colour bar between lo and hi: decades (log) or round linear steps. */
export function colorBarTicks(lo: number, hi: number, scale: ColorScale, maxTicks = 6): number[] {
  if (!(hi > lo)) return [lo];
  if (scale === 'log' && lo > 0) {
    const a = Math.ceil(Math.log10(lo) - 1e-9);
    const b = Math.floor(Math.log10(hi) + 1e-9);
    const step = Math.max(1, Math.ceil((b - a + 1) / maxTicks));
    const out: number[] = [];
    for (let e = a; e <= b; e += step) out.push(10 ** e);
    if (out.length >= 2) return out;
    return [lo, hi];
  }
  const raw = (hi - lo) / Math.max(1, maxTicks - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag) as number;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** Position (0 = lo … 1 = hi) of a value on the colour bar. */
export function colorBarPosition(v: number, lo: number, hi: number, scale: ColorScale): number {
  if (scale === 'log') return (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  return (v - lo) / (hi - lo);
}
