/**
 * `nxr simulate`: writes a complete NXRefine experiment (nxrefine-spec.md §2–3) whose frames hold
 * Bragg peaks where the geometry puts them, diffuse scattering of a known analytic form, background,
 * Poisson noise, module gaps and hot/dead pixels — and truth.json with everything that was put in.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

import type { NumericArray } from '../../nexus/model/types.ts';
import type { Compression, NexusWriter } from '../../nexus/port.ts';
import { instrumentNodes, scanDataNodes } from '../../refine/experiment/instrument-content.ts';
import { buildScanModel } from '../../refine/simulate/build-scan-model.ts';
import type { EntryModel, ScanModel } from '../../refine/simulate/models.ts';
import { PRESETS, type PresetName } from '../../refine/simulate/presets.ts';
import { DEFAULT_SETTINGS, formatSettingsIni, withDefaults } from '../../refine/settings/settings-ini.ts';
import type { UnitCell } from '../../refine/geometry/models.ts';
import { applyCellConstraints } from '../../refine/lattice/apply-cell-constraints.ts';
import {
  findSpaceGroup,
  isSystematicallyAbsent,
  type SpaceGroup,
} from '../../refine/symmetry/space-groups.ts';
import { NxrError } from '../../shared/errors.ts';
import { createNexusFile, type NexusFileWriter } from '../io/nexus-writer.ts';
import { writePlan } from '../experiment/write-plan.ts';
import { createFrameRenderPool } from './render-entry-frames.ts';

export type FrameDtype = 'int32' | 'uint32' | 'uint16' | 'float32';

export interface SimulateOptions {
  outDir: string;
  preset: PresetName;
  seed: number;
  cell: UnitCell;
  spaceGroup: string;
  entries: number;
  nframes?: number;
  compression: 'bslz4' | 'gzip' | 'none';
  dtype: FrameDtype;
  sample: string;
  label: string;
  scan: string;
  overwrite?: boolean;
  /** Worker threads rendering frames. @default min(2, cores) */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message?: string) => void;
}

export interface SimulateSummary {
  experimentDir: string;
  wrapperFile: string;
  truthFile: string;
  entries: Array<{ name: string; rawFile: string; nframes: number; reflections: number }>;
}

const STACK_DTYPE = { int32: '<i4', uint32: '<u4', uint16: '<u2', float32: '<f4' } as const;
const COMPRESSION: Record<SimulateOptions['compression'], Compression> = {
  bslz4: 'bslz4',
  gzip: { gzip: 1 },
  none: 'none',
};

function checkOptions(o: SimulateOptions): void {
  const bad = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message });
  };
  if (!Number.isInteger(o.seed) || o.seed < 0) bad(`--seed must be a non-negative integer, got ${o.seed}`);
  if (!Number.isInteger(o.entries) || o.entries < 1 || o.entries > 9)
    bad(`--entries must be 1…9, got ${o.entries}`);
  if (o.nframes !== undefined && (!Number.isInteger(o.nframes) || o.nframes < 2 || o.nframes > 100_000)) {
    bad(`--frames must be an integer 2…100000, got ${o.nframes}`);
  }
  const { a, b, c, alpha, beta, gamma } = o.cell;
  if (![a, b, c].every((v) => v > 0.5 && v < 1000))
    bad(`cell lengths must be 0.5…1000 Å, got ${a}, ${b}, ${c}`);
  if (![alpha, beta, gamma].every((v) => v > 10 && v < 170))
    bad(`cell angles must be 10…170°, got ${alpha}, ${beta}, ${gamma}`);
  for (const name of [o.sample, o.label, o.scan]) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
      bad(`sample, label and scan must be plain names, got '${name}'`);
  }
}

/** Create `file` through a temp file that is renamed into place only when `write` succeeds. */
async function writeNewFile(
  file: string,
  overwrite: boolean,
  write: (w: NexusFileWriter) => void | Promise<void>,
): Promise<void> {
  const w = await createNexusFile(file, { overwrite, purpose: 'nxr simulate' });
  try {
    await write(w);
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
}

function writeRawFile(w: NexusWriter, entry: EntryModel, o: SimulateOptions): void {
  const [ny, nx] = entry.geometry.shape;
  w.group('/entry', 'NXentry');
  w.group('/entry/data', 'NXdata', { signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] });
  w.createStack('/entry/data/data', {
    frameShape: [ny, nx],
    dtype: STACK_DTYPE[o.dtype],
    compression: COMPRESSION[o.compression],
    units: 'counts',
  });
  w.field(
    '/entry/data/frame_number',
    Int32Array.from({ length: entry.nframes }, (_, i) => i),
  );
  w.field(
    '/entry/data/y_pixel',
    Int32Array.from({ length: ny }, (_, i) => i),
  );
  w.field(
    '/entry/data/x_pixel',
    Int32Array.from({ length: nx }, (_, i) => i),
  );
}

function writeEntry(
  w: NexusWriter,
  scan: ScanModel,
  entry: EntryModel,
  rawLink: string,
  o: SimulateOptions,
  index: number,
): void {
  const g = entry.geometry;
  const p = `/${entry.name}`;
  const preset = PRESETS[o.preset];
  const frameTime = 0.1;
  w.group(p, 'NXentry');
  w.nexusLink(`${p}/sample`, '/entry/sample');
  // the instrument and data groups New Scan writes (src/refine/experiment/instrument-content.ts)
  writePlan(
    w,
    instrumentNodes(p, {
      name: 'Simulated diffractometer',
      wavelength: g.wavelength,
      detector: {
        description: preset.description,
        distance: g.distance,
        pixelSize: g.pixelSize,
        shape: g.shape,
        orientation: typeof g.detectorOrientation === 'string' ? g.detectorOrientation : '-y +z -x',
        pixelMask: Int8Array.from(scan.defects.pixelMask),
        yaw: g.yaw,
        pitch: g.pitch,
        roll: g.roll,
        beamCenterX: g.beamCenterX,
        beamCenterY: g.beamCenterY,
        translationX: -20 * index * g.pixelSize,
        translationY: 5 * index * g.pixelSize,
        frameTime,
      },
      goniometer: {
        phiStart: g.phiStart,
        phiStep: g.phiStep,
        phiEnd: g.phiStart + g.phiStep * entry.nframes,
        chi: g.chi,
        omega: g.omega,
        theta: g.theta,
        offsets: [0, 0, 0],
      },
    }),
  );
  const monitor = Float64Array.from(entry.monitor, (m) => Math.round(m * entry.monitorMean));
  w.group(`${p}/monitor1`, 'NXmonitor', { signal: 'MCS1', axes: 'frame_number' });
  w.field(`${p}/monitor1/MCS1`, monitor);
  w.field(
    `${p}/monitor1/frame_number`,
    Int32Array.from({ length: entry.nframes }, (_, i) => i),
  );
  w.field(`${p}/start_time`, '2026-11-25T12:00:00');
  writePlan(w, scanDataNodes(p, { linkFile: rawLink, nframes: entry.nframes, shape: g.shape, frameTime }));
  w.setAttrs(p, { default: 'data' });
}

function writeWrapper(w: NexusWriter, scan: ScanModel, rawLinks: string[], o: SimulateOptions): void {
  w.setAttrs('/', { default: 'entry' });
  w.group('/entry', 'NXentry');
  w.group('/entry/sample', 'NXsample');
  w.field('/entry/sample/name', o.sample);
  w.field('/entry/sample/label', o.label);
  w.field('/entry/sample/temperature', Number.parseFloat(o.scan) || 300, { units: 'K' });
  w.group('/entry/instrument', 'NXinstrument');
  w.field('/entry/instrument/name', 'Simulated diffractometer');
  scan.entries.forEach((entry, i) => writeEntry(w, scan, entry, rawLinks[i]!, o, i));
}

function settingsFor(scan: ScanModel, o: SimulateOptions): string {
  const g = scan.entries[0]!.geometry;
  const nframes = scan.entries[0]!.nframes;
  return formatSettingsIni(
    withDefaults({
      instrument: {
        source: 'Simulated',
        instrument: 'SIM',
        raw_home: o.outDir,
        raw_path: null,
        analysis_home: o.outDir,
        analysis_path: null,
        experiment: basename(o.outDir),
      },
      nxrefine: {
        ...DEFAULT_SETTINGS['nxrefine'],
        wavelength: g.wavelength,
        distance: g.distance,
        phi: g.phiStart,
        phi_end: g.phiStart + g.phiStep * nframes,
        phi_step: g.phiStep,
      },
      nxreduce: {
        ...DEFAULT_SETTINGS['nxreduce'],
        // NXRefine's 10 / nframes − 10, scaled down for short test scans (first < last ≤ nframes).
        first: Math.min(10, Math.floor(nframes / 10)),
        last: nframes - Math.min(10, Math.floor(nframes / 10)),
      },
    }),
  );
}

function truthJson(scan: ScanModel, o: SimulateOptions, files: { wrapper: string; raw: string[] }): unknown {
  const preset = PRESETS[o.preset];
  return {
    description:
      'Ground truth of a simulated NXRefine experiment. Positions: x = column, y = row (px, pixel index = pixel centre); ' +
      'frame is fractional with phi = phiStart + phiStep*frame (frame z integrates phi(z) ± phiStep/2). ' +
      'Q and UB in 1/Å without 2π. counts = integrated counts of the whole profile at relative monitor 1; ' +
      'depositedCounts = expected counts inside the scan (monitor included, masks ignored); peakValue = expected counts in ' +
      'the voxel nearest the centre (background included).',
    seed: scan.seed,
    preset: o.preset,
    dtype: o.dtype,
    compression: o.compression,
    files: { wrapper: files.wrapper, raw: files.raw },
    crystal: {
      cell: scan.crystal.cell,
      spaceGroup: scan.crystal.spaceGroup,
      U: scan.crystal.U,
      UB: scan.crystal.UB,
    },
    profile: { sigmaPixels: preset.sigmaPixels, mosaicDegrees: preset.mosaic },
    diffuse: {
      formula:
        'D(h,k,l) = amplitude*(4/3)*(dh^2+dk^2+dl^2)/(1+|q|^2/qScale^2), dh = h-round(h), counts/pixel/frame × monitor',
      ...scan.diffuse,
    },
    background: {
      formula: 'b = flat + air*exp(-twoTheta/airWidth) counts/pixel/frame × monitor',
      flat: preset.backgroundFlat,
      air: preset.backgroundAir,
      airWidthDegrees: preset.backgroundAirWidth,
    },
    defects: {
      hotPixels: scan.defects.hotPixels,
      deadPixels: scan.defects.deadPixels,
      gapValue: scan.gapValue,
    },
    entries: scan.entries.map((e) => ({
      name: e.name,
      geometry: e.geometry,
      nframes: e.nframes,
      monitorMean: e.monitorMean,
      reflections: e.reflections,
    })),
  };
}

/** The space group, with the cell checked against its lattice system (a cubic group needs a = b = c …). */
function resolveSpaceGroup(o: SimulateOptions): SpaceGroup {
  const symbol = /^\d+$/.test(o.spaceGroup.trim()) ? Number(o.spaceGroup) : o.spaceGroup;
  const sg = findSpaceGroup(symbol, { alpha: o.cell.alpha, gamma: o.cell.gamma });
  const bUnique = sg.latticeSystem !== 'monoclinic' || sg.qualifier === '' || sg.qualifier.startsWith('b');
  if (bUnique) {
    const want = applyCellConstraints(o.cell, sg.latticeSystem);
    const keys = ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const;
    if (keys.some((k) => Math.abs(want[k] - o.cell[k]) > 1e-6)) {
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message:
          `cell ${keys.map((k) => o.cell[k]).join(',')} is not ${sg.latticeSystem} as space group '${sg.xhm}' requires ` +
          `(nearest: ${keys.map((k) => want[k]).join(',')})`,
      });
    }
  }
  return sg;
}

export async function simulateExperiment(o: SimulateOptions): Promise<SimulateSummary> {
  checkOptions(o);
  const sg = resolveSpaceGroup(o);
  const preset = PRESETS[o.preset];
  let scan: ScanModel;
  try {
    scan = buildScanModel({
      preset,
      seed: o.seed,
      cell: o.cell,
      spaceGroup: sg.xhm,
      isAbsent: (hkl) => isSystematicallyAbsent(sg, hkl),
      entries: o.entries,
      nframes: o.nframes,
      signedOutput: o.dtype === 'int32' || o.dtype === 'float32',
    });
  } catch (e) {
    if (e instanceof NxrError) throw e;
    throw new NxrError(
      { code: 'BAD_PARAMETER', message: e instanceof Error ? e.message : String(e) },
      { cause: e },
    );
  }
  const labelDir = join(o.outDir, o.sample, o.label);
  const scanDir = join(labelDir, o.scan);
  const wrapperFile = join(labelDir, `${o.sample}_${o.scan}.nxs`);
  if (existsSync(wrapperFile) && !o.overwrite) {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      file: wrapperFile,
      message: 'exists already (use --overwrite to replace it)',
    });
  }
  for (const dir of ['tasks', 'configurations', 'calibrations', 'scripts'])
    mkdirSync(join(o.outDir, dir), { recursive: true });
  mkdirSync(scanDir, { recursive: true });
  writeFileSync(join(o.outDir, 'tasks', 'settings.ini'), settingsFor(scan, o));

  const overwrite = o.overwrite === true;
  const totalFrames = scan.entries.reduce((s, e) => s + e.nframes, 0);
  let done = 0;
  const rawFiles: string[] = [];
  const renderPool = createFrameRenderPool(scan, o.dtype, o.workers);
  try {
    for (const [entryIndex, entry] of scan.entries.entries()) {
      const rawFile = join(scanDir, `${entry.name}.h5`);
      rawFiles.push(rawFile);
      await writeNewFile(rawFile, overwrite, async (w) => {
        writeRawFile(w, entry, o);
        await renderPool.renderEntry(entryIndex, {
          signal: o.signal,
          onFrames: (frames: NumericArray, count: number) => {
            w.appendFrames('/entry/data/data', frames, count);
            done += count;
            o.onProgress?.(done / totalFrames, `${entry.name}: frame ${done}/${totalFrames}`);
          },
        });
      });
    }
  } finally {
    await renderPool.close();
  }
  const rawLinks = rawFiles.map((f) => relative(labelDir, f));
  await writeNewFile(wrapperFile, overwrite, (w) => writeWrapper(w, scan, rawLinks, o));
  const truthFile = join(o.outDir, 'truth.json');
  writeFileSync(
    truthFile,
    `${JSON.stringify(truthJson(scan, o, { wrapper: relative(o.outDir, wrapperFile), raw: rawFiles.map((f) => relative(o.outDir, f)) }))}\n`,
  );
  o.onProgress?.(1, 'done');
  return {
    experimentDir: o.outDir,
    wrapperFile,
    truthFile,
    entries: scan.entries.map((e, i) => ({
      name: e.name,
      rawFile: rawFiles[i]!,
      nframes: e.nframes,
      reflections: e.reflections.length,
    })),
  };
}
