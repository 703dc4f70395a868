/**
 * The SPEC parser against the real APS 33-BM file (../shared/realdata/spec2nexus/33bm_spec.dat,
 * README §C4) and small hand-written files for the corner cases.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  findSpecScan,
  parseSpecFile,
  specColumn,
  specDateToIso,
  splitSpecNames,
  type SpecScan,
} from '../../../src/nexus/formats/spec.ts';
import { invertMat3, multiplyMat3Vec3 } from '../../../src/refine/linalg/mat3.ts';
import type { Mat3, Vec3 } from '../../../src/refine/geometry/models.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { realdata } from '../../helpers/realdata.ts';

const file = realdata('spec2nexus/33bm_spec.dat');
const spec = parseSpecFile(readFileSync(file, 'utf8'), { file });

const rad = Math.PI / 180;

/**
 * README §C4: ω = th − tth/2; u_φ (Busing & Levy); Q_φ = (4π/λ) sin(tth/2) u_φ; hkl = G3⁻¹ Q_φ.
 */
function anglesToHkl(ub: Mat3, lambda: number, tth: number, th: number, chi: number, phi: number): Vec3 {
  const w = (th - tth / 2) * rad;
  const c = chi * rad;
  const p = phi * rad;
  const u: Vec3 = [
    Math.cos(w) * Math.cos(c) * Math.cos(p) - Math.sin(w) * Math.sin(p),
    Math.cos(w) * Math.cos(c) * Math.sin(p) + Math.sin(w) * Math.cos(p),
    Math.cos(w) * Math.sin(c),
  ];
  const q = ((4 * Math.PI) / lambda) * Math.sin((tth / 2) * rad);
  return multiplyMat3Vec3(invertMat3(ub), [q * u[0], q * u[1], q * u[2]]);
}

/** The motor value of each row: its column when scanned, else its #P position. */
function motor(scan: SpecScan, name: string): number[] {
  const col = specColumn(scan, name);
  if (col) return col;
  const v = scan.positions[name];
  if (v === undefined) throw new Error(`scan ${scan.number}: no motor ${name}`);
  return scan.rows.map(() => v);
}

describe('parseSpecFile on 33bm_spec.dat (real, README §C4)', () => {
  it('reads the file header: #F, #E, #D, #O motor names over three lines', () => {
    expect(spec.headers).toHaveLength(1);
    const h = spec.headers[0]!;
    expect(h.fileName).toBe('LNO_LAO');
    expect(h.epoch).toBe(1276730676);
    expect(h.date).toBe('Wed Jun 16 18:24:36 2010');
    expect(h.comments[0]).toBe('LNO_LAO  User = epix33bm');
    expect(h.motorLines.map((l) => l.length)).toEqual([8, 8, 6]);
    expect(h.motorNames.slice(0, 4)).toEqual(['2-theta', 'theta', 'chi', 'phi']);
    expect(h.motorNames).toContain('DCM.theta');
    expect(h.motorNames.at(-1)).toBe('m22');
    expect(h.userHeaderLines[0]![0]).toBe('SR_current');
  });

  it('finds the 17 scans with their numbers and commands', () => {
    expect(spec.scans).toHaveLength(17);
    expect(spec.scans.map((s) => s.number)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(spec.scans[0]!.command).toBe('ascan  th 19.022 19.222  60 -20000');
    expect(spec.scans[16]!.command).toBe('hklmesh  H 1.9 2.1 100  K 1.9 2.1 100  -800000');
    expect(spec.scans[0]!.line).toBe(36);
  });

  it('reads per-scan #D, #M / #T, #N, #L and the data rows', () => {
    const s1 = findSpecScan(spec, 1)!;
    expect(s1.date).toBe('Wed Jun 16 18:27:39 2010');
    expect(s1.monitor).toEqual({ value: 20000, unit: 'I0' });
    expect(s1.countTime).toBeUndefined();
    expect(s1.columnCount).toBe(27);
    expect(s1.labels.slice(0, 5)).toEqual(['theta', 'H', 'K', 'L', 'Epoch']);
    expect(s1.labels.at(-1)).toBe('signal');
    expect(s1.rows).toHaveLength(61);
    expect(s1.rows[0]!.slice(0, 4)).toEqual([19.022, 0.00292981, 0.00366536, 1.99997]);
    expect(s1.rows[60]![0]).toBe(19.222);
    const s16 = findSpecScan(spec, 16)!;
    expect(s16.countTime).toEqual({ value: 1, unit: 'seconds' });
    expect(s16.monitor).toBeUndefined();
    expect(s16.comments.some((c) => c.includes('Scan aborted after 223 points'))).toBe(true);
    expect(s16.rows).toHaveLength(223);
    expect(findSpecScan(spec, 15)!.rows).toHaveLength(0);
  });

  it('reads #G1 (lattice, reciprocal lattice, two reflections, λ), #G3 (UB), #Q and #P0', () => {
    const s1 = findSpecScan(spec, 1)!;
    const lat = s1.lattice!;
    expect(lat.cell).toEqual([3.781726143, 3.791444574, 3.79890313, 90.2546203, 90.01815424, 89.89967858]);
    expect(lat.reciprocalCell.slice(0, 3)).toEqual([1.661462253, 1.657219786, 1.65396364]);
    expect(lat.reflections[0].hkl).toEqual([0, 0, 2]);
    expect(lat.reflections[0].angles.slice(0, 4)).toEqual([38.1245, 19.2545, 90.1385, 0]);
    expect(lat.reflections[1].hkl).toEqual([1, 1, 3]);
    expect(lat.reflections[1].angles.slice(0, 4)).toEqual([65.571, 32.79425, 115.2755, 46.1725]);
    expect(lat.reflections[0].wavelength).toBe(1.239424258);
    expect(lat.reflections[1].wavelength).toBe(1.239424258);
    expect(s1.ub![0]).toEqual([-1.661044167, 0.04007351558, -0.0001588220447]);
    expect(s1.ub![2]).toEqual([0.0004106485684, 0.009885210717, 1.653961723]);
    expect(s1.q).toEqual([0.00284578, 0.0001824, 1.99999]);
    expect(s1.positions['2-theta']).toBe(38.084);
    expect(s1.positions['theta']).toBe(19.122);
    expect(s1.positions['chi']).toBe(90.08725);
    expect(s1.positions['phi']).toBe(0);
    expect(s1.positions['DCM.theta']).toBe(11.508019);
    expect(s1.extra['V0']).toEqual(['101.779 4 1 4 1 1 1 1 986.922']);
  });

  it('#P0 through G3 gives #Q (README: (0.00284578, 0.00018240, 1.99999305))', () => {
    const s1 = findSpecScan(spec, 1)!;
    const lambda = s1.geometry['G4']![3]!;
    const p = s1.positions;
    const hkl = anglesToHkl(s1.ub!, lambda, p['2-theta']!, p['theta']!, p['chi']!, p['phi']!);
    expect(hkl[0]).toBeCloseTo(0.00284578, 7);
    expect(hkl[1]).toBeCloseTo(0.0001824, 7);
    expect(hkl[2]).toBeCloseTo(1.99999305, 7);
  });

  it('reproduces the H, K, L columns of the 13 angle scans (683 rows) to ≤ 5e-6 from G3 and the motors', () => {
    const angleScans = spec.scans.filter((s) => s.command.startsWith('ascan'));
    expect(angleScans).toHaveLength(13);
    let rows = 0;
    let worst = 0;
    for (const s of angleScans) {
      const lambda = s.geometry['G4']![3]!;
      const tth = motor(s, '2-theta');
      const th = motor(s, 'theta');
      const chi = motor(s, 'chi');
      const phi = motor(s, 'phi');
      const [H, K, L] = (['H', 'K', 'L'] as const).map((c) => specColumn(s, c)!);
      for (let r = 0; r < s.rows.length; r++) {
        const hkl = anglesToHkl(s.ub!, lambda, tth[r]!, th[r]!, chi[r]!, phi[r]!);
        worst = Math.max(
          worst,
          Math.abs(hkl[0] - H![r]!),
          Math.abs(hkl[1] - K![r]!),
          Math.abs(hkl[2] - L![r]!),
        );
        rows++;
      }
    }
    expect(rows).toBe(683);
    expect(worst).toBeLessThanOrEqual(5e-6);
    // and the check has teeth: the wrong motor (th for tth) misses by far more
    const s1 = findSpecScan(spec, 1)!;
    const wrong = anglesToHkl(s1.ub!, 1.239424258, 19.122, 38.084, 90.08725, 0);
    expect(Math.abs(wrong[2] - 2)).toBeGreaterThan(0.1);
  });

  it('converts SPEC dates to ISO 8601', () => {
    expect(specDateToIso('Wed Jun 16 18:27:39 2010')).toBe('2010-06-16T18:27:39');
    expect(specDateToIso('Mon Sep  1 09:03:15 2014')).toBe('2014-09-01T09:03:15');
    expect(specDateToIso('yesterday')).toBeUndefined();
  });
});

describe('parseSpecFile corner cases', () => {
  const text = [
    '#F demo.spec',
    '#E 1000',
    '#D Mon Sep 29 09:43:15 2014',
    '#O0 Two Theta  th  chi',
    '#O1 phi',
    '',
    '#S 3  flyscan  phi 0 1 4 0.1',
    '#D Mon Sep 29 09:44:00 2014',
    '#T 0.1  (Seconds)',
    '#P0 10 5 90',
    '#P1 0',
    '#N 3',
    '#L phi  Two Theta  flyc1',
    '0 10 100',
    '@A 1 2 3 \\',
    ' 4 5 6',
    '0.25 10 101',
    '0.5 10',
    '0.75 10 nan',
    '#C aborted',
    '#F other.spec',
    '#E 2000',
    '#O0 mu',
    '#S 3  timescan 1',
    '#P0 7',
    '#L Seconds',
    '1',
  ].join('\n');
  const s = parseSpecFile(text, { file: 'demo.spec' });

  it('keeps names with one space, skips MCA lines, drops short rows, reads nan', () => {
    expect(s.headers).toHaveLength(2);
    expect(s.headers[0]!.motorNames).toEqual(['Two Theta', 'th', 'chi', 'phi']);
    const a = s.scans[0]!;
    expect(a.labels).toEqual(['phi', 'Two Theta', 'flyc1']);
    expect(a.positions).toEqual({ 'Two Theta': 10, th: 5, chi: 90, phi: 0 });
    expect(a.rows).toHaveLength(3);
    expect(a.droppedRows).toEqual([18]);
    expect(Number.isNaN(a.rows[2]![2])).toBe(true);
    expect(a.countTime).toEqual({ value: 0.1, unit: 'Seconds' });
    expect(a.comments).toEqual(['aborted']);
  });

  it('gives each scan the header in effect; a repeated number finds the last scan', () => {
    const b = s.scans[1]!;
    expect(b.headerIndex).toBe(1);
    expect(b.positions).toEqual({ mu: 7 });
    expect(findSpecScan(s, 3)).toBe(b);
    expect(findSpecScan(s, 4)).toBeUndefined();
  });

  it('refuses malformed input with the file and line', () => {
    expect(() => parseSpecFile('#S 1 ascan\n#L a  b\n1 x\n', { file: 'bad.spec' })).toThrow(
      /bad\.spec: line 3: data row: 'x' is not a number/,
    );
    expect(() => parseSpecFile('#S 1 ascan\n#N 2\n#L a  b  c\n', { file: 'n.spec' })).toThrow(
      /line 3: #L has 3 labels but #N says 2/,
    );
    expect(() => parseSpecFile('#S one\n', { file: 's.spec' })).toThrow(/line 1: #S: expected a scan number/);
    expect(() => parseSpecFile('hello world\n', { file: 'x.txt' })).toThrow(NxrError);
    expect(() => parseSpecFile('', { file: 'e.spec' })).toThrow(/not a SPEC data file/);
  });

  it('splits names on two or more spaces', () => {
    expect(splitSpecNames('  2-theta     theta  Two Theta ')).toEqual(['2-theta', 'theta', 'Two Theta']);
  });
});
