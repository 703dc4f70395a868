/**
 * Calculate Angles on a simulated scan with a tilted detector: peaks placed at the simulator's
 * predicted positions of known reflections. The exact angles must equal the direction of the
 * scattered beam k_f = k_i + G(φ)·UB·h computed here from the crystal (no detector involved) and
 * 2θ = 2 asin(λ/2d); the 'nxrefine' convention must equal NXRefine's formulas of spec §4.7.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { calculateAngles } from '../../../src/engine/jobs/calculate-angles.ts';
import { defineLattice } from '../../../src/engine/jobs/define-lattice.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson, pyRun } from '../../helpers/python.ts';
import { abortOnCheck, sha256, simulateScan, type Truth } from './simulated.ts';

let dir: string;
let file: string;
let truth: Truth;
let peaks: Array<{ h: number; k: number; l: number; x: number; y: number; frame: number; phi: number }>;

type V = [number, number, number];
type M = [V, V, V];
const rad = Math.PI / 180;
const mul = (a: M, b: M): M =>
  a.map((r) => [0, 1, 2].map((j) => r[0] * b[0][j]! + r[1] * b[1][j]! + r[2] * b[2][j]!)) as M;
const apply = (m: M, v: V): V => m.map((r) => r[0] * v[0] + r[1] * v[1] + r[2] * v[2]) as V;
const rot = (axis: 1 | 2 | 3, deg: number): M => {
  const c = Math.cos(deg * rad);
  const s = Math.sin(deg * rad);
  if (axis === 1)
    return [
      [1, 0, 0],
      [0, c, -s],
      [0, s, c],
    ];
  if (axis === 2)
    return [
      [c, 0, s],
      [0, 1, 0],
      [-s, 0, c],
    ];
  return [
    [c, -s, 0],
    [s, c, 0],
    [0, 0, 1],
  ];
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-angles-'));
  const sim = await simulateScan(dir, { scan: '300K', seed: 41 });
  file = sim.wrapper;
  truth = sim.truth;
  const e = truth.entries[0]!;
  peaks = e.reflections.filter((r) => r.frame > 0 && r.frame < e.nframes - 1);
  // the peaks group, written by h5py as Find Peaks would (x, y, z, intensity)
  pyRun(
    `import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'a')
g = f['f1'].create_group('peaks')
g.attrs['NX_class'] = 'NXreflections'
p = json.loads(sys.argv[2])
for k in ('x', 'y', 'z', 'intensity'):
    g[k] = np.array([q[k] for q in p], dtype=np.float64)
f.close()`,
    [file, JSON.stringify(peaks.map((p) => ({ x: p.x, y: p.y, z: p.frame, intensity: 1000 })))],
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calculateAngles', () => {
  it('gives the exact direction of the scattered beam for every peak (tilted detector)', async () => {
    expect(peaks.length).toBeGreaterThan(50);
    const g = truth.entries[0]!.geometry;
    expect([g.yaw, g.pitch, g.roll]).toEqual([0.3, -0.2, 0.1]);
    const r = await calculateAngles({ file, entry: 'f1' });
    expect(r.convention).toBe('exact');
    expect(r.peaks.x.length).toBe(peaks.length);
    const UB = truth.crystal.UB as M;
    const { a, b, c } = truth.crystal.cell;
    let worstPolar = 0;
    let worstAzimuth = 0;
    let worstTwoTheta = 0;
    peaks.forEach((p, i) => {
      const G = mul(
        mul(mul(rot(2, g.theta), rot(3, g.omega)), rot(1, g.chi)),
        rot(3, g.phiStart + g.phiStep * p.frame),
      );
      const q = apply(G, apply(UB, [p.h, p.k, p.l]));
      const kf: V = [q[0] + 1 / g.wavelength, q[1], q[2]];
      const polar = Math.atan2(Math.hypot(kf[1], kf[2]), kf[0]) / rad;
      const azimuth = Math.atan2(-kf[1], kf[2]) / rad;
      const dSpacing = 1 / Math.sqrt((p.h / a) ** 2 + (p.k / b) ** 2 + (p.l / c) ** 2);
      const twoTheta = (2 * Math.asin(g.wavelength / (2 * dSpacing))) / rad;
      worstPolar = Math.max(worstPolar, Math.abs(r.peaks.polarAngle[i]! - polar));
      worstAzimuth = Math.max(worstAzimuth, Math.abs(r.peaks.azimuthalAngle[i]! - azimuth));
      worstTwoTheta = Math.max(worstTwoTheta, Math.abs(r.peaks.polarAngle[i]! - twoTheta));
    });
    expect(worstPolar).toBeLessThan(1e-6);
    expect(worstAzimuth).toBeLessThan(1e-5);
    expect(worstTwoTheta).toBeLessThan(1e-6);
  });

  it("reproduces NXRefine's convention (tilts dropped), which differs on a tilted detector", async () => {
    const exact = await calculateAngles({ file, entry: 'f1' });
    const nx = await calculateAngles({ file, entry: 'f1', convention: 'nxrefine' });
    const g = truth.entries[0]!.geometry;
    let maxDiff = 0;
    peaks.forEach((p, i) => {
      const polar =
        Math.atan((g.pixelSize * Math.hypot(p.x - g.beamCenterX, p.y - g.beamCenterY)) / g.distance) / rad;
      const azimuth = Math.atan2(p.x - g.beamCenterX, p.y - g.beamCenterY) / rad;
      expect(nx.peaks.polarAngle[i]).toBeCloseTo(polar, 10);
      expect(nx.peaks.azimuthalAngle[i]).toBeCloseTo(azimuth, 10);
      maxDiff = Math.max(maxDiff, Math.abs(nx.peaks.polarAngle[i]! - exact.peaks.polarAngle[i]!));
    });
    // 0.3° of yaw moves 2θ by up to a few hundredths of a degree at the detector edge
    expect(maxDiff).toBeGreaterThan(0.005);
    expect(maxDiff).toBeLessThan(0.1);
  });

  it('lists the rings of the lattice up to the detector edge and puts each peak on its ring', async () => {
    const none = await calculateAngles({ file, entry: 'f1' });
    expect(none.rings).toBeNull();
    expect(Array.from(none.peaks.ring).every((v) => v === -1)).toBe(true);
    await defineLattice({ file, cell: truth.crystal.cell, spaceGroup: truth.crystal.spaceGroup });
    const r = await calculateAngles({ file, entry: 'f1' });
    expect(r.spaceGroup).toBe('P m m m');
    const rings = r.rings!;
    expect(rings.length).toBeGreaterThan(20);
    expect(
      rings.every((x, i) => x.twoTheta <= r.twoThetaMax && (i === 0 || x.twoTheta > rings[i - 1]!.twoTheta)),
    ).toBe(true);
    // the first ring of the orthorhombic cell is (0 0 1) at 2θ = 2 asin(λ/2c)
    expect(rings[0]!.classes[0]!.hkl).toEqual([0, 0, 1]);
    expect(rings[0]!.twoTheta).toBeCloseTo((2 * Math.asin(0.2 / (2 * 11.68))) / rad, 10);
    let mismatched = 0;
    peaks.forEach((p, i) => {
      const rep = [Math.abs(p.h), Math.abs(p.k), Math.abs(p.l)].join();
      const own = rings.findIndex((ring) => ring.classes.some((c) => c.hkl.join() === rep));
      expect(own, `(${p.h} ${p.k} ${p.l})`).toBeGreaterThanOrEqual(0);
      // the peak sits at its own class's 2θ; the nearest ring is the peak's own or one as close
      const cls = rings[own]!.classes.find((c) => c.hkl.join() === rep)!;
      expect(Math.abs(r.peaks.polarAngle[i]! - cls.twoTheta)).toBeLessThan(1e-6);
      expect(Math.abs(r.peaks.ringDelta[i]!)).toBeLessThanOrEqual(
        Math.abs(r.peaks.polarAngle[i]! - rings[own]!.twoTheta) + 1e-12,
      );
      if (r.peaks.ring[i] !== own) mismatched++;
    });
    // rings of classes within 0.1° overlap rarely: nearly every peak is assigned its own ring
    expect(mismatched).toBeLessThan(peaks.length / 10);
  });

  it('stores polar_angle and azimuthal_angle (float64, degrees) with --write, readable by h5py', async () => {
    const r = await calculateAngles({ file, entry: 'f1', write: true });
    expect(r.paths).toEqual(['/f1/peaks/polar_angle', '/f1/peaks/azimuthal_angle']);
    const py = pyJson<{ polar: number[]; azi: number[]; dtype: string; units: string; x: number }>(
      `import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
g = f['f1/peaks']
print(json.dumps({'polar': g['polar_angle'][()].tolist(), 'azi': g['azimuthal_angle'][()].tolist(),
  'dtype': str(g['polar_angle'].dtype), 'units': g['polar_angle'].attrs['units'], 'x': float(g['x'][0])}))`,
      [file],
    );
    expect(py.dtype).toBe('float64');
    expect(py.units).toBe('degrees');
    expect(py.polar).toEqual(Array.from(r.peaks.polarAngle));
    expect(py.azi).toEqual(Array.from(r.peaks.azimuthalAngle));
    expect(py.x).toBe(peaks[0]!.x);
  });

  it('uses and saves the values the dialog edits (wavelength, distance, beam centre, pixel size)', async () => {
    const r = await calculateAngles({
      file,
      entry: 'f1',
      write: true,
      geometry: { distance: 250, beamCenterX: 240 },
    });
    const p = peaks[0]!;
    const g = truth.entries[0]!.geometry;
    expect(r.geometry.distance).toBe(250);
    const exact = await calculateAngles({ file, entry: 'f1' }); // now reads the saved values
    expect(exact.geometry).toMatchObject({ distance: 250, beamCenterX: 240, beamCenterY: g.beamCenterY });
    expect(exact.peaks.polarAngle[0]).toBe(r.peaks.polarAngle[0]);
    const nx = await calculateAngles({ file, entry: 'f1', convention: 'nxrefine' });
    expect(nx.peaks.polarAngle[0]).toBeCloseTo(
      Math.atan((g.pixelSize * Math.hypot(p.x - 240, p.y - g.beamCenterY)) / 250) / rad,
      10,
    );
  });

  it('fails clearly without peaks, with mismatched fields or a missing entry, leaving the file intact', async () => {
    const before = sha256(file);
    const noEntry = await calculateAngles({ file, entry: 'f7' }).catch((x: unknown) => x);
    expect(noEntry).toMatchObject({ code: 'MISSING_PATH', file, path: '/f7/peaks' });
    pyRun(
      `import sys, h5py
f = h5py.File(sys.argv[1], 'a')
g = f['f1/peaks']
g['y2'] = g['y'][:-1]
f.close()`,
      [file],
    );
    const changed = sha256(file);
    expect(changed).not.toBe(before);
    const badGeometry = await calculateAngles({
      file,
      entry: 'f1',
      write: true,
      geometry: { wavelength: -1 },
    }).catch((x: unknown) => x);
    expect(badGeometry).toBeInstanceOf(NxrError);
    expect((badGeometry as NxrError).message).toContain('wavelength must be a positive number');
    expect(sha256(file)).toBe(changed);
    // looks at the signal: first peak, before the update, inside it after writing the angles
    const aborted = await calculateAngles(
      { file, entry: 'f1', write: true, geometry: { distance: 300 } },
      { signal: abortOnCheck(3) },
    ).catch((x: unknown) => x);
    expect((aborted as NxrError).code).toBe('CANCELLED');
    expect(sha256(file)).toBe(changed);
  });
});
