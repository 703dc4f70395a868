/**
 * Cuts the frame range [start, stop) into contiguous tasks. Tasks are smaller than one share per
 * worker (about four tasks per worker) so a fast worker picks up more work and progress stays smooth.
 *
 * @param chunkFrames - frames per task; @default ceil(frames / (4 × workers)), at least 1
 */
export function splitFrames(
  start: number,
  stop: number,
  workers: number,
  chunkFrames?: number,
): Array<[number, number]> {
  const n = stop - start;
  if (n <= 0) return [];
  const size = Math.max(1, Math.floor(chunkFrames ?? Math.ceil(n / (4 * Math.max(1, workers)))));
  const out: Array<[number, number]> = [];
  for (let s = start; s < stop; s += size) out.push([s, Math.min(stop, s + size)]);
  return out;
}
