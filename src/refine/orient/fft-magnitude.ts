/**
 * |F_k|, k = 0 … N/2, of the discrete Fourier transform of real signals of one power-of-two length
 * N (iterative radix-2 Cooley–Tukey with precomputed bit reversal and twiddles), for tight loops
 * that transform many signals of the same length.
 */
export function createFftMagnitudes(
  n: number,
): (signal: ArrayLike<number>, out?: Float64Array) => Float64Array {
  if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`FFT length must be a power of two, got ${n}`);
  const bits = Math.log2(n);
  const reverse = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
    reverse[i] = r;
  }
  const cosTable = new Float64Array(n / 2);
  const sinTable = new Float64Array(n / 2);
  for (let j = 0; j < n / 2; j++) {
    cosTable[j] = Math.cos((-2 * Math.PI * j) / n);
    sinTable[j] = Math.sin((-2 * Math.PI * j) / n);
  }
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  return (signal, out) => {
    if (signal.length !== n) throw new RangeError(`FFT of length ${n} given ${signal.length} values`);
    for (let i = 0; i < n; i++) {
      re[reverse[i]!] = signal[i]!;
      im[i] = 0;
    }
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const stride = n / size;
      for (let start = 0; start < n; start += size) {
        for (let j = 0; j < half; j++) {
          const cr = cosTable[j * stride]!;
          const ci = sinTable[j * stride]!;
          const a = start + j;
          const b = a + half;
          const tr = cr * re[b]! - ci * im[b]!;
          const ti = cr * im[b]! + ci * re[b]!;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
    const m = out ?? new Float64Array(n / 2 + 1);
    for (let k = 0; k <= n / 2; k++) m[k] = Math.hypot(re[k]!, im[k]!);
    return m;
  };
}
