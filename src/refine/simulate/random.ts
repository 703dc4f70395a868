/**
 * Seeded pseudo-random numbers for the scan simulator: sfc32 (Small Fast Counting, 128-bit state),
 * seeded through splitmix32 so that (seed, stream) pairs give independent sequences. Frames are
 * rendered with stream = (entry, frame), so a rotation is the same whatever the worker split.
 */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller, one value per call). */
  normal(): number;
  /** Poisson-distributed count with mean `mean` (≥ 0). */
  poisson(mean: number): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator for one (seed, stream...) tuple. */
export function createRandom(seed: number, ...stream: number[]): Random {
  let mix = splitmix32(seed >>> 0);
  for (const s of stream) mix = splitmix32((mix() ^ Math.imul(s >>> 0, 0x27d4eb2d)) >>> 0);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  const uniform = (): number => next() / 4294967296;
  const normal = (): number => {
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  const poisson = (mean: number): number => {
    if (!(mean > 0)) return 0;
    if (mean < 30) {
      // Sequential inversion: one uniform, walks the CDF (about mean + 1 steps).
      let u = uniform();
      let p = Math.exp(-mean);
      let k = 0;
      while (u > p && k < 1000) {
        u -= p;
        k++;
        p *= mean / k;
      }
      return k;
    }
    // Large means: normal approximation with continuity correction (error < 1e-3 of the width).
    const k = Math.round(mean + Math.sqrt(mean) * normal());
    return k < 0 ? 0 : k;
  };
  return { uniform, normal, poisson };
}
