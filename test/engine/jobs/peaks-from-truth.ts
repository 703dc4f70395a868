/**
 * A Find Peaks result made from a simulation's truth.json (until a job test can run find-peaks on
 * the frames): centroids of the reflections inside the scan with centroid noise, weak ones
 * dropped, plus junk (the hot pixels, powder-ring points and random points), ≥ 1/3 of the list.
 */
import type { Geometry, Mat3, UnitCell, Vec3 } from '../../../src/refine/geometry/models.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';

export interface Truth {
  crystal: { cell: UnitCell; spaceGroup: string; U: Mat3; UB: Mat3 };
  defects: { hotPixels: Array<{ x: number; y: number; value: number }> };
  entries: Array<{
    name: string;
    geometry: Geometry;
    nframes: number;
    reflections: Array<{ h: number; k: number; l: number; x: number; y: number; frame: number; depositedCounts: number }>;
  }>;
}

export interface TruthPeak {
  x: number;
  y: number;
  z: number;
  intensity: number;
  hkl?: Vec3;
}

export function peaksFromTruth(
  entry: Truth['entries'][number],
  hotPixels: Truth['defects']['hotPixels'],
  seed: number,
  noise = 0.07,
): TruthPeak[] {
  const rnd = createRandom(seed, 77);
  const [ny, nx] = entry.geometry.shape;
  const bragg: TruthPeak[] = entry.reflections
    .filter((r) => r.frame >= 1 && r.frame <= entry.nframes - 2 && r.x > 2 && r.y > 2 && r.x < nx - 3 && r.y < ny - 3)
    .filter((r) => r.depositedCounts > 200)
    .map((r) => ({
      x: r.x + noise * rnd.normal(),
      y: r.y + noise * rnd.normal(),
      z: r.frame + noise * rnd.normal(),
      intensity: r.depositedCounts,
      hkl: [r.h, r.k, r.l],
    }));
  const junk: TruthPeak[] = [];
  const nJunk = Math.ceil(0.55 * bragg.length);
  for (const h of hotPixels) junk.push({ x: h.x, y: h.y, z: rnd.uniform() * (entry.nframes - 1), intensity: h.value });
  const g = entry.geometry;
  while (junk.length < nJunk) {
    if (junk.length % 2) {
      // Aluminium 111 ring.
      const tth = 2 * Math.asin(g.wavelength / (2 * 2.338));
      const r = (g.distance * Math.tan(tth)) / g.pixelSize;
      const psi = 2 * Math.PI * rnd.uniform();
      const x = g.beamCenterX + r * Math.sin(psi);
      const y = g.beamCenterY + r * Math.cos(psi);
      if (x < 0 || y < 0 || x > nx - 1 || y > ny - 1) continue;
      junk.push({ x, y, z: rnd.uniform() * (entry.nframes - 1), intensity: 300 });
    } else {
      junk.push({ x: rnd.uniform() * (nx - 1), y: rnd.uniform() * (ny - 1), z: rnd.uniform() * (entry.nframes - 1), intensity: 100 });
    }
  }
  const all = [...bragg, ...junk];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rnd.uniform() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}
