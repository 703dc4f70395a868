/** Running median of odd width `size` with the ends held ('nearest' padding); NaN-free input. */
export function medianFilter(values: ArrayLike<number>, size: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const half = Math.max(0, Math.floor(size / 2));
  const win = new Float64Array(2 * half + 1);
  for (let i = 0; i < n; i++) {
    for (let j = -half; j <= half; j++) win[j + half] = values[Math.min(n - 1, Math.max(0, i + j))]!;
    win.sort();
    out[i] = win[half]!;
  }
  return out;
}

export interface Transmission {
  /** Relative transmission of every frame of the stack (1 = the median frame). */
  transmission: Float64Array;
  /** Median of the filtered baseline over [first, last) (HEAD's `@median`). */
  median: number;
}

/**
 * Per-frame transmission estimate (spec §5.2 HEAD): y = partial / monitor on [first, last) —
 * frames without a finite value (missing frames) take the nearest valid one — held at the edge
 * values outside [first, last), smoothed by a `filterSize`-frame running median and divided by
 * its median over [first, last). Returns null if no frame of the range has a finite value.
 *
 * @param monitor per-frame monitor counts; null → ones
 */
export function computeTransmission(
  partial: ArrayLike<number>,
  monitor: ArrayLike<number> | null,
  first: number,
  last: number,
  filterSize = 31,
): Transmission | null {
  const n = partial.length;
  const y = new Float64Array(n).fill(NaN);
  for (let z = first; z < last; z++) {
    const m = monitor ? monitor[z]! : 1;
    const v = partial[z]! / m;
    if (Number.isFinite(v) && m > 0) y[z] = v;
  }
  let firstValid = -1;
  let lastValid = -1;
  for (let z = first; z < last; z++) {
    if (Number.isNaN(y[z]!)) continue;
    if (firstValid < 0) firstValid = z;
    lastValid = z;
  }
  if (firstValid < 0) return null;
  // Missing frames: nearest valid neighbour (earlier one on ties); outside the range: edge values.
  let prev = -1;
  const next = new Int32Array(n).fill(-1);
  for (let z = n - 1, k = -1; z >= 0; z--) {
    if (!Number.isNaN(y[z]!)) k = z;
    next[z] = k;
  }
  for (let z = 0; z < n; z++) {
    if (!Number.isNaN(y[z]!)) {
      prev = z;
      continue;
    }
    if (z < firstValid) y[z] = y[firstValid]!;
    else if (z > lastValid) y[z] = y[lastValid]!;
    else {
      const b = next[z]!;
      y[z] = prev >= 0 && (b < 0 || z - prev <= b - z) ? y[prev]! : y[b]!;
    }
  }
  const filtered = medianFilter(y, filterSize);
  const inRange = Array.from(filtered.subarray(first, last)).sort((a, b) => a - b);
  const k = inRange.length;
  const median = k % 2 === 1 ? inRange[(k - 1) / 2]! : 0.5 * (inRange[k / 2 - 1]! + inRange[k / 2]!);
  if (!(median > 0)) return null;
  return { transmission: filtered.map((v) => v / median), median };
}
