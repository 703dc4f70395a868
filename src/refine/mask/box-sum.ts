/**
 * Sum over a size × size box centred on every pixel of an [ny, nx] image, the image extended by
 * repeating its edge values (NXRefine's `local_sum_same` on an edge-padded array; the box spans
 * i − ⌊(size−1)/2⌋ … i + size − 1 − ⌊(size−1)/2⌋ along each axis). Separable running sums: O(n)
 * whatever the size. `tmp` and `out` need ny·nx elements; `out` may not alias `src`.
 */
export function boxSum2d(
  src: ArrayLike<number>,
  ny: number,
  nx: number,
  size: number,
  out: Float64Array,
  tmp: Float64Array,
): Float64Array {
  const left = (size - 1) >> 1;
  const right = size - 1 - left;
  // Rows: tmp[y, x] = Σ_{j=x−left}^{x+right} src[y, clamp(j)] — a running sum; the clamping is
  // needed only near the two ends, so the middle loop has none.
  const xMid0 = Math.min(nx, left + 1);
  const xMid1 = Math.max(xMid0, nx - 1 - right);
  for (let y = 0; y < ny; y++) {
    const row = y * nx;
    let s = 0;
    for (let j = -left; j <= right; j++) s += src[row + Math.min(nx - 1, Math.max(0, j))]!;
    tmp[row] = s;
    for (let x = 1; x < xMid0; x++) {
      s += src[row + Math.min(nx - 1, x + right)]! - src[row + Math.max(0, x - 1 - left)]!;
      tmp[row + x] = s;
    }
    for (let x = xMid0; x < xMid1; x++) {
      s += src[row + x + right]! - src[row + x - 1 - left]!;
      tmp[row + x] = s;
    }
    for (let x = Math.max(1, xMid1); x < nx; x++) {
      s += src[row + Math.min(nx - 1, x + right)]! - src[row + Math.max(0, x - 1 - left)]!;
      tmp[row + x] = s;
    }
  }
  // Columns, all x of a row at once (cache friendly): out[y] = Σ_{j=y−left}^{y+right} tmp[clamp(j)].
  out.fill(0, 0, ny * nx);
  for (let j = -left; j <= right; j++) {
    const r = Math.min(ny - 1, Math.max(0, j)) * nx;
    for (let x = 0; x < nx; x++) out[x] = out[x]! + tmp[r + x]!;
  }
  for (let y = 1; y < ny; y++) {
    const add = Math.min(ny - 1, y + right) * nx;
    const sub = Math.max(0, y - 1 - left) * nx;
    const prev = (y - 1) * nx;
    const cur = y * nx;
    for (let x = 0; x < nx; x++) out[cur + x] = out[prev + x]! + tmp[add + x]! - tmp[sub + x]!;
  }
  return out;
}
