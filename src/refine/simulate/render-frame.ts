import { createPixelMapper, type PixelMapper, type PixelVectors } from '../geometry/create-pixel-mapper.ts';
import { invertMat3 } from '../linalg/mat3.ts';
import { depositPeaks, reflectionFrameSpan } from './deposit-peaks.ts';
import { evaluateDiffuse } from './diffuse.ts';
import type { EntryModel, ScanModel, SimulatedReflection } from './models.ts';

/**
 * Renders the expected (noise-free) counts of the frames of one entry: monitor × (background +
 * diffuse(hkl of the pixel at the frame's φ)) + Bragg peak profiles. Reusable across frames; keeps
 * per-pixel lab vectors and |q|², so a frame costs one 3×3 product per pixel plus the peaks.
 */
export interface FrameRenderer {
  readonly shape: [number, number];
  /** Fill `out` (ny·nx) with the expected counts of frame z. */
  render(z: number, out: Float64Array): void;
}

export function createFrameRenderer(
  scan: ScanModel,
  entry: EntryModel,
  frameRange?: [number, number],
): FrameRenderer {
  const g = entry.geometry;
  const [ny, nx] = g.shape;
  const n = ny * nx;
  const mapper: PixelMapper = createPixelMapper(g);
  const q0 = mapper.mapToQSample(0);
  // |q|² does not change with φ (no sample offset in simulated scans).
  const q2 = new Float32Array(n);
  for (let i = 0; i < n; i++) q2[i] = q0[0][i]! ** 2 + q0[1][i]! ** 2 + q0[2][i]! ** 2;
  const invUB = invertMat3(scan.crystal.UB);
  const hkl: PixelVectors = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  // Only the reflections that reach the frames this renderer will draw.
  const [zlo, zhi] = frameRange ?? [0, entry.nframes - 1];
  const reflections: SimulatedReflection[] = entry.reflections.filter((r) => {
    const [a, b] = reflectionFrameSpan(r);
    return b >= zlo && a <= zhi;
  });
  const spans = reflections.map(reflectionFrameSpan);
  const { background } = entry;
  const diffuse = scan.diffuse;
  return {
    shape: [ny, nx],
    render(z, out) {
      const m = entry.monitor[z] ?? 1;
      if (diffuse.amplitude > 0) {
        mapper.mapLinear(invUB, z, { out: hkl });
        const [h, k, l] = hkl;
        for (let i = 0; i < n; i++) {
          out[i] = m * (background[i]! + evaluateDiffuse(diffuse, h[i]!, k[i]!, l[i]!, q2[i]!));
        }
      } else {
        for (let i = 0; i < n; i++) out[i] = m * background[i]!;
      }
      const active = reflections.filter((_, j) => spans[j]![0] <= z && spans[j]![1] >= z);
      depositPeaks(out, [ny, nx], active, z, m);
    },
  };
}
