/**
 * Calibrate Powder as the app runs it: the dialog's experiment jobs through the engine's message
 * loop — state, image, Autogenerate Rings, Calibrate, Export/Import Calibration, Save — with the
 * request checks (bad geometry, unknown calibrant, relative paths refused).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../../src/engine/index.ts';
import type { PowderGeometry } from '../../../src/refine/calibrate/models.ts';
import type { JobEnd, JobRequest, JobResultMap } from '../../../src/shared/jobs.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';
import { writeCalibrantTiff, writeConfigurationFile } from '../../helpers/calibrant-files.ts';

let engine: Engine;
let client: RpcClient;
let dir: string;
let file: string;
let tiff: string;
let fileId: string;

async function runJob(request: JobRequest): Promise<JobEnd> {
  const { jobId } = await client.invoke('job:start', request);
  return new Promise<JobEnd>((res) => {
    const off = client.on('job:end', (e: JobEnd) => {
      if (e.jobId === jobId) {
        off();
        res(e);
      }
    });
  });
}

async function ok<K extends keyof JobResultMap>(request: JobRequest & { kind: K }): Promise<JobResultMap[K]> {
  const end = await runJob(request);
  if (!end.ok) throw new Error(`${request.kind}: ${end.error.message}`);
  return end.result as JobResultMap[K];
}

const truth: PowderGeometry = {
  wavelength: 0.5,
  distance: 140,
  beamCenterX: 240.2,
  beamCenterY: 310.6,
  yaw: 0.4,
  pitch: -0.3,
  roll: 0,
  pixelSize: 0.172,
  shape: [619, 487],
  detectorOrientation: '-y +z -x',
};

beforeAll(async () => {
  engine = createEngine({ poolSize: 1 });
  const [a, b] = createLocalPortPair();
  serveEngine(engine, a);
  client = createRpcClient(b);
  dir = mkdtempSync(join(tmpdir(), 'nxr-calibrate-jobs-'));
  file = join(dir, 'config.nxs');
  tiff = join(dir, 'CeO2.tif');
  writeCalibrantTiff(tiff, truth, { seed: 9 });
  await writeConfigurationFile(file, {
    ...truth,
    distance: 142.5,
    beamCenterX: 236,
    beamCenterY: 314,
    yaw: 0,
    pitch: 0,
  });
  fileId = (await client.invoke('file:open', file)).fileId;
});

afterAll(async () => {
  client.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Calibrate Powder through the engine', () => {
  it('state → image → Autogenerate Rings → Calibrate → Export/Import → Save', async () => {
    const state = await ok({ kind: 'powder-state', fileId, entry: 'f1' });
    expect(state.detectorEntries).toEqual(['f1', 'f2']);
    expect(state.values.distance).toBe(142.5);
    expect(state.calibrants).toContain('CeO2');
    expect(state.calibration).toBeNull();

    const image = await ok({ kind: 'powder-image', fileId, entry: 'f1', image: tiff });
    expect(image.source).toMatchObject({ name: 'CeO2.tif', format: 'tiff', stored: false });
    expect(image.shape).toEqual([619, 487]);
    expect(image.data).toBeInstanceOf(Float32Array);

    const start = { ...truth, ...state.values, wavelength: 0.5 } as PowderGeometry;
    const picked = await ok({
      kind: 'pick-rings',
      fileId,
      entry: 'f1',
      image: tiff,
      geometry: start,
      calibrant: 'CeO2',
      rings: 3,
    });
    expect(new Set(picked.points.map((p) => p.ring))).toEqual(new Set([0, 1, 2]));
    const fit1 = await ok({
      kind: 'fit-powder',
      fileId,
      entry: 'f1',
      geometry: start,
      calibrant: 'CeO2',
      points: picked.points,
    });
    // a second pass on all rings with the improved geometry, as the user would
    const all = await ok({
      kind: 'pick-rings',
      fileId,
      entry: 'f1',
      image: tiff,
      geometry: fit1.geometry,
      calibrant: 'CeO2',
      rings: 20,
    });
    const fit = await ok({
      kind: 'fit-powder',
      fileId,
      entry: 'f1',
      geometry: fit1.geometry,
      calibrant: 'CeO2',
      points: all.points,
    });
    expect(fit.fitted).toEqual(['distance', 'beamCenterX', 'beamCenterY', 'yaw', 'pitch']);
    expect(Math.abs(fit.geometry.distance / truth.distance - 1)).toBeLessThan(5e-4);
    expect(Math.abs(fit.geometry.beamCenterX - truth.beamCenterX)).toBeLessThan(0.1);
    expect(Math.abs(fit.geometry.yaw - truth.yaw)).toBeLessThan(0.01);
    expect(fit.residuals.length).toBe(all.points.length);
    expect(fit.rms).toBeLessThan(0.003);

    const poni = join(dir, 'fit.poni');
    expect(
      (await ok({ kind: 'powder-poni', fileId, entry: 'f1', action: 'export', poni, geometry: fit.geometry }))
        .name,
    ).toBe('fit.poni');
    expect(existsSync(poni)).toBe(true);
    const imported = await ok({ kind: 'powder-poni', fileId, entry: 'f2', action: 'import', poni });
    expect(imported.geometry!.distance).toBeCloseTo(fit.geometry.distance, 9);
    expect(imported.geometry!.yaw).toBeCloseTo(fit.geometry.yaw, 9);

    const end = await runJob({
      kind: 'calibrate-powder',
      fileId,
      entry: 'f1',
      image: tiff,
      calibrant: 'CeO2',
      geometry: fit.geometry,
      points: all.points.filter((_, i) => fit.used[i]),
      rms: fit.rms,
      copyTo: ['f2'],
    });
    expect(end.ok).toBe(true);
    if (!end.ok) return;
    expect(end.fileChanged).toBe(true);
    expect((end.result as JobResultMap['calibrate-powder']).entries).toEqual(['f1', 'f2']);
    const after = await ok({ kind: 'powder-state', fileId, entry: 'f2' });
    expect(after.values.distance).toBeCloseTo(fit.geometry.distance, 10);
    expect(after.calibration?.calibrant).toBe('CeO2');
    expect(after.calibration?.points.length).toBe(fit.used.filter(Boolean).length);
    const stored = await ok({ kind: 'powder-image', fileId, entry: 'f2' });
    expect(stored.source).toMatchObject({
      name: 'config.nxs',
      format: 'hdf5',
      path: '/f2/instrument/calibration/z',
      stored: true,
    });
    expect(stored.data[1000]).toBe(image.data[1000]);
  });

  it('refuses bad requests with a clear message', async () => {
    const g = { ...truth };
    const cases: Array<[JobRequest, RegExp]> = [
      [
        {
          kind: 'pick-rings',
          fileId,
          entry: 'f1',
          image: 'CeO2.tif',
          geometry: g,
          calibrant: 'CeO2',
          rings: 2,
        },
        /'image' must be an absolute path/,
      ],
      [
        {
          kind: 'pick-rings',
          fileId,
          entry: 'f1',
          image: tiff,
          geometry: { ...g, distance: Number.NaN },
          calibrant: 'CeO2',
          rings: 2,
        },
        /geometry\.distance must be a finite number|'geometry'/,
      ],
      [
        { kind: 'fit-powder', fileId, entry: 'f1', geometry: g, calibrant: 'Unobtainium', points: [] },
        /unknown calibrant 'Unobtainium'/,
      ],
      [
        {
          kind: 'fit-powder',
          fileId,
          entry: 'f1',
          geometry: g,
          calibrant: 'CeO2',
          points: [{ x: 1, y: 2, ring: -1 }],
        },
        /point 0 must be/,
      ],
      [
        {
          kind: 'fit-powder',
          fileId,
          entry: 'f1',
          geometry: g,
          calibrant: 'CeO2',
          points: [],
          fit: { tilt: true } as never,
        },
        /fit\.tilt is not a parameter flag/,
      ],
      [{ kind: 'powder-state', fileId, entry: 'f8' }, /no entry 'f8'/],
      [
        { kind: 'powder-poni', fileId, entry: 'f1', action: 'export', poni: join(dir, 'x.poni') },
        /export needs 'geometry'/,
      ],
    ];
    for (const [req, message] of cases) {
      // a request the engine's checks refuse never starts; one the job refuses ends with an error
      const error = await runJob(req).then(
        (end) => (end.ok ? undefined : end.error.message),
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      expect(error, req.kind).toMatch(message);
    }
  });
});
