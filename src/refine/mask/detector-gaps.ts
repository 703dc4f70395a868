import type { DetectorGaps } from './models.ts';

function runs(flags: boolean[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -1;
  flags.forEach((f, i) => {
    if (f && start < 0) start = i;
    if (!f && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, flags.length - 1]);
  return out;
}

/**
 * The detector gaps of a 2-D pixel mask (1 = masked): runs of columns masked in every row and of
 * rows masked in every column (NXRefine `fill_gaps`: lines whose mask sum equals their length).
 */
export function findDetectorGaps(pixelMask: ArrayLike<number>, ny: number, nx: number): DetectorGaps {
  const colCount = new Int32Array(nx);
  const rowFull: boolean[] = [];
  for (let y = 0; y < ny; y++) {
    let n = 0;
    for (let x = 0; x < nx; x++) {
      if (pixelMask[y * nx + x] !== 0) {
        n++;
        colCount[x]!++;
      }
    }
    rowFull.push(n === nx);
  }
  return { columns: runs(Array.from(colCount, (c) => c === ny)), rows: runs(rowFull) };
}

/**
 * Fills the gap lines of a binary flag image with the larger of the two lines beside the gap,
 * columns first, then rows, as NXRefine's `fill_gaps` does. Unlike NXRefine, a gap on the detector
 * edge takes its one existing neighbour (NXRefine reads index −1, i.e. the far edge, or fails past
 * the end), and a mask without gaps is fine (NXRefine fails on it).
 */
export function fillDetectorGaps(flags: Uint8Array, ny: number, nx: number, gaps: DetectorGaps): void {
  for (const [c0, c1] of gaps.columns) {
    const a = c0 - 1;
    const b = c1 + 1;
    if (a < 0 && b >= nx) continue;
    for (let y = 0; y < ny; y++) {
      const row = y * nx;
      const va = a >= 0 ? flags[row + a]! : 0;
      const vb = b < nx ? flags[row + b]! : 0;
      const v = va > vb ? va : vb;
      for (let x = c0; x <= c1; x++) flags[row + x] = v;
    }
  }
  for (const [r0, r1] of gaps.rows) {
    const a = r0 - 1;
    const b = r1 + 1;
    if (a < 0 && b >= ny) continue;
    for (let x = 0; x < nx; x++) {
      const va = a >= 0 ? flags[a * nx + x]! : 0;
      const vb = b < ny ? flags[b * nx + x]! : 0;
      const v = va > vb ? va : vb;
      for (let y = r0; y <= r1; y++) flags[y * nx + x] = v;
    }
  }
}
