/**
 * Reading an entry's geometry into src/refine's Geometry: the simulated wrapper gives back the
 * simulator's truth; a file written by h5py in other units (m, µm, nm, rad, keV) and with NXRefine's
 * alternatives (phi array, goniometer_pitch, no detector_orientation) gives the same numbers in
 * mm / Å / degrees.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openNexusFile } from '../../../src/engine/io/index.ts';
import {
  readEntryFrameCount,
  readEntryGeometry,
  readOrientationMatrix,
} from '../../../src/engine/jobs/read-entry-geometry.ts';
import { pyRun } from '../../helpers/python.ts';
import { simulateScan, type SimScan } from './simulated.ts';

let dir: string;
let sim: SimScan;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-geom-'));
  sim = await simulateScan(dir, { scan: '300K', seed: 61, frames: 20, entries: 2 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readEntryGeometry', () => {
  it("returns the simulator's geometry for each entry", async () => {
    const f = await openNexusFile(sim.wrapper);
    try {
      for (const t of sim.truth.entries) {
        expect(await readEntryGeometry(f, t.name)).toEqual(t.geometry);
        expect(readEntryFrameCount(f, t.name)).toBe(20);
        expect(readOrientationMatrix(f, t.name)).toBeUndefined();
      }
    } finally {
      f.close();
    }
  });

  it('converts units and reads NXRefine alternatives', async () => {
    const p = join(dir, 'units.nxs');
    pyRun(
      `import sys, math, h5py, numpy as np
f = h5py.File(sys.argv[1], 'w')
e = f.create_group('f1')
e.attrs['NX_class'] = 'NXentry'
m = e.create_group('instrument/monochromator')
m['energy'] = 61.99209869820359
m['energy'].attrs['units'] = 'keV'
d = e.create_group('instrument/detector')
def put(g, k, v, u=None):
    g[k] = v
    if u: g[k].attrs['units'] = u
put(d, 'distance', 0.65, 'm')
put(d, 'pixel_size', 172.0, 'um')
put(d, 'beam_center_x', 730.5, 'pixels')
put(d, 'beam_center_y', 850.25)
put(d, 'shape', np.array([1679, 1475], dtype=np.int32))
put(d, 'yaw', math.radians(0.3), 'rad')
put(d, 'pitch', -0.2, 'degrees')
put(d, 'roll', 0.1, 'deg')
d['orientation_matrix'] = np.eye(3).reshape(1, 3, 3)
g = e.create_group('instrument/goniometer')
put(g, 'phi', np.arange(-5.0, 5.0, 0.25), 'degree')
put(g, 'chi', 10.0, 'degree')
put(g, 'omega', 5.0)
put(g, 'goniometer_pitch', 0.5)
put(g, 'zs', 0.02, 'cm')
e['data/frame_number'] = np.arange(40, dtype=np.int32)
f.close()`,
      [p],
    );
    const f = await openNexusFile(p);
    try {
      const g = await readEntryGeometry(f, 'f1');
      expect(g.wavelength).toBeCloseTo(0.2, 12);
      expect(g.distance).toBeCloseTo(650, 10);
      expect(g.pixelSize).toBeCloseTo(0.172, 12);
      expect(g.yaw).toBeCloseTo(0.3, 12);
      expect(g.sampleOffset![2]).toBeCloseTo(0.2, 12);
      expect(g).toMatchObject({
        shape: [1679, 1475],
        beamCenterX: 730.5,
        beamCenterY: 850.25,
        pitch: -0.2,
        roll: 0.1,
        detectorOrientation: '-y +z -x',
        phiStart: -5,
        phiStep: 0.25,
        chi: 10,
        omega: 5,
        theta: 0.5,
      });
      expect(readOrientationMatrix(f, 'f1')).toEqual([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      expect(readEntryFrameCount(f, 'f1')).toBe(40);
    } finally {
      f.close();
    }
  });
});
