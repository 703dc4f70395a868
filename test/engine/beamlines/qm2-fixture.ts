/**
 * A small CHESS QM2 raw-data tree for the Import Scans tests, written by an independent writer
 * (fabio, as NXRefine reads them):
 *
 *   <root>/raw/<experiment>/<sample>             SPEC file (QM2 keeps it beside raw6M/)
 *   <root>/raw/<experiment>/raw6M/<sample>/<label>/<scan>/<sample>_<nnn>/<sample>_<nnn>_<index>.cbf|.tif
 *   <root>/analysis/<experiment>/tasks/settings.ini, configurations/default.nxs
 *
 * Pixel values are `imageValue(nnn, frame, y, x)`, so a test can predict every voxel; a few
 * pixels are −1 and −2 (Pilatus gaps and bad pixels).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { createNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { pyRun } from '../../helpers/python.ts';

export const NY = 12;
export const NX = 10;

/** The count in pixel (y, x) of frame z of the images of SPEC scan nnn. */
export function imageValue(nnn: number, z: number, y: number, x: number): number {
  if (y === 3 && x === 4) return -1;
  if (y === 7 && x === 1) return -2;
  return nnn * 10000 + z * 100 + ((y * NX + x) % 97);
}

export interface RawSeries {
  /** SPEC scan number (directory <sample>_<nnn>). */
  nnn: number;
  /** File indices present (frame 0 = smallest). */
  indices: number[];
  format?: 'cbf' | 'tif';
}

export interface QmTreeOptions {
  root: string;
  experiment: string;
  sample: string;
  label: string;
  /** scan name → series (one per entry). */
  scans: Record<string, RawSeries[]>;
  /** The SPEC file text (written to raw/<experiment>/<sample>), or undefined for none. */
  spec?: string;
}

export interface QmTree {
  rawHome: string;
  rawDir: string;
  experimentDir: string;
  specFile: string;
}

/** Write the images (one Python call), the SPEC file, settings.ini and the configuration. */
export async function writeQm2Tree(o: QmTreeOptions): Promise<QmTree> {
  const rawHome = join(o.root, 'raw');
  const rawDir = join(rawHome, o.experiment, 'raw6M');
  const jobs: Array<{ dir: string; nnn: number; index: number; frame: number; format: string }> = [];
  for (const [scan, series] of Object.entries(o.scans)) {
    for (const s of series) {
      const dir = join(rawDir, o.sample, o.label, scan, `${o.sample}_${String(s.nnn).padStart(3, '0')}`);
      mkdirSync(dir, { recursive: true });
      const first = Math.min(...s.indices);
      for (const index of s.indices)
        jobs.push({ dir, nnn: s.nnn, index, frame: index - first, format: s.format ?? 'cbf' });
    }
  }
  const spec = join(o.root, 'jobs.json');
  writeFileSync(spec, JSON.stringify({ jobs, ny: NY, nx: NX, sample: o.sample }));
  pyRun(
    `
import json, sys, numpy as np
from fabio.cbfimage import CbfImage
from fabio.tifimage import TifImage
cfg = json.load(open(sys.argv[1]))
ny, nx = cfg['ny'], cfg['nx']
y, x = np.mgrid[0:ny, 0:nx]
for j in cfg['jobs']:
    d = (j['nnn'] * 10000 + j['frame'] * 100 + ((y * nx + x) % 97)).astype(np.int32)
    d[3, 4] = -1
    d[7, 1] = -2
    name = '%s/%s_%03d_%05d' % (j['dir'], cfg['sample'], j['nnn'], j['index'])
    if j['format'] == 'cbf':
        CbfImage(data=d).write(name + '.cbf')
    else:
        TifImage(data=d).write(name + '.tif')
`,
    [spec],
  );
  const specFile = join(rawHome, o.experiment, o.sample);
  if (o.spec !== undefined) writeFileSync(specFile, o.spec);
  const experimentDir = join(o.root, 'analysis', o.experiment);
  mkdirSync(join(experimentDir, 'tasks'), { recursive: true });
  mkdirSync(join(experimentDir, 'configurations'), { recursive: true });
  writeFileSync(
    join(experimentDir, 'tasks', 'settings.ini'),
    [
      '[instrument]',
      'source = CHESS',
      'instrument = QM2',
      `raw_home = ${rawHome}`,
      'raw_path = raw6M',
      `analysis_home = ${join(o.root, 'analysis')}`,
      'analysis_path = None',
      `experiment = ${o.experiment}`,
      '',
    ].join('\n'),
  );
  await writeConfiguration(join(experimentDir, 'configurations', 'default.nxs'), 2);
  return { rawHome, rawDir, experimentDir, specFile };
}

/** A configuration file as New Configuration writes it (spec §3.1), with `positions` entries. */
export async function writeConfiguration(file: string, positions: number): Promise<void> {
  const w = await createNexusFile(file, { overwrite: true });
  try {
    const instrument = (p: string, i: number): void => {
      w.group(p, 'NXinstrument');
      w.field(`${p}/name`, 'QM2');
      w.group(`${p}/source`, 'NXsource');
      w.field(`${p}/source/name`, 'CHESS');
      w.group(`${p}/monochromator`, 'NXmonochromator');
      w.field(`${p}/monochromator/wavelength`, 0.4133, { units: 'Angstroms' });
      w.field(`${p}/monochromator/energy`, 12.398419739640717 / 0.4133, { units: 'keV' });
      const d = `${p}/detector`;
      w.group(d, 'NXdetector');
      w.field(`${d}/description`, 'Pilatus CdTe 6M');
      w.field(`${d}/distance`, 450, { units: 'mm' });
      w.field(`${d}/pixel_size`, 0.172, { units: 'mm' });
      w.field(`${d}/shape`, Int32Array.from([NY, NX]));
      w.field(`${d}/detector_orientation`, '-y +z -x');
      w.field(`${d}/pixel_mask`, new Int8Array(NY * NX), { shape: [NY, NX], dtype: '<i1' });
      w.field(`${d}/yaw`, 0);
      w.field(`${d}/pitch`, 0);
      w.field(`${d}/roll`, 0);
      if (i > 0) {
        w.field(`${d}/translation_x`, 10 * i, { units: 'mm' });
        w.field(`${d}/translation_y`, 0, { units: 'mm' });
        w.field(`${d}/frame_time`, 0.1, { units: 's' });
        const g = `${p}/goniometer`;
        w.group(g, 'NXgoniometer');
        w.field(`${g}/phi`, -5, { units: 'degree', attrs: { step: 0.1, end: 360 } });
        w.field(`${g}/chi`, -90 + i, { units: 'degree' });
        w.field(`${g}/omega`, 0, { units: 'degree' });
        w.field(`${g}/theta`, 0.5 * i, { units: 'degree' });
      }
    };
    w.group('/entry', 'NXentry');
    w.group('/entry/nxreduce', 'NXparameters');
    w.field('/entry/nxreduce/threshold', 50000);
    w.field('/entry/nxreduce/monitor', 'monitor1');
    instrument('/entry/instrument', 0);
    for (let i = 1; i <= positions; i++) {
      w.group(`/f${i}`, 'NXentry');
      instrument(`/f${i}/instrument`, i);
    }
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** Every file under `dir`: relative path → size, mtime and sha256 (to prove nothing changed). */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        out[`${relative(dir, p)}/`] = `dir ${st.mode.toString(8)} ${st.mtimeMs}`;
        walk(p);
      } else
        out[relative(dir, p)] =
          `${st.size} ${st.mtimeMs} ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}

/** A QM2-style SPEC file: flyscans of phi with flyc1, flyc2 and sampleT per frame. */
export function qm2Spec(
  sample: string,
  scans: Array<{
    number: number;
    frames: number;
    chi: number;
    th: number;
    phi0: number;
    step: number;
    temp: number;
  }>,
): string {
  const lines = [
    `#F ${sample}`,
    '#E 1700000000',
    '#D Tue Nov 14 22:13:20 2023',
    `#C ${sample}  User = qm2`,
    '#O0 phi  chi  th  samx',
    '',
  ];
  for (const s of scans) {
    lines.push(
      `#S ${s.number}  flyscan  phi ${s.phi0} ${s.phi0 + s.step * s.frames} ${s.frames} 0.1`,
      `#D Tue Nov 14 22:${String(20 + s.number).padStart(2, '0')}:00 2023`,
      '#T 0.1  (Seconds)',
      `#P0 ${s.phi0} ${s.chi} ${s.th} 1.5`,
      '#N 5',
      '#L phi  flyc1  flyc2  sampleT  Epoch',
    );
    for (let z = 0; z < s.frames; z++) {
      const spike = z < 2 || z >= s.frames - 2 ? 50000 : 0; // outliers NXRefine removes
      lines.push(
        `${(s.phi0 + s.step * z).toFixed(4)} ${100000 + 10 * z + spike} ${50000 + z} ${(s.temp + 0.01 * (z % 3)).toFixed(3)} ${z}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
