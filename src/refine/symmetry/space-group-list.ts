import type { Mat3, Vec3 } from '../geometry/models.ts';
import type {
  Centring,
  CrystalSystem,
  LatticeSystem,
  LaueGroup,
  SpaceGroup,
  SymmetryOperation,
} from './models.ts';
import { parseTriplet } from './parse-triplet.ts';
import { SPACE_GROUP_ROWS } from './space-group-table.ts';

let cache: readonly SpaceGroup[] | undefined;

/**
 * Every setting of the 230 space groups that GEMMI tabulates (559 in GEMMI 0.5.7), in GEMMI's
 * table order, parsed once from the generated table.
 */
export function listSpaceGroups(): readonly SpaceGroup[] {
  cache ??= Object.freeze(
    SPACE_GROUP_ROWS.split('\n')
      .filter((line) => line.trim() !== '')
      .map(parseRow),
  );
  return cache;
}

function to24(v: number): number {
  const t = Math.round(v * 24);
  return ((t % 24) + 24) % 24;
}

function parseOperation(triplet: string): SymmetryOperation {
  const { matrix, translation } = parseTriplet(triplet);
  return {
    triplet,
    rotation: matrix.map((r) => r.map((v) => Math.round(v))) as Mat3,
    translation24: translation.map(to24) as Vec3,
  };
}

function parseRow(line: string, index: number): SpaceGroup {
  const f = line.split('|');
  if (f.length !== 15) throw new Error(`space-group table row ${index} is malformed`);
  const [number, ccp4, hm, ext, qualifier, hall, shortName, crystalSystem, laue, pointGroup, centringType] =
    f as [string, string, string, string, string, string, string, string, string, string, string];
  const operations = f[14]!.split(';').map(parseOperation);
  const centringVectors24 = f[13]!
    .split(';')
    .map((c) => c.split(',').map((v) => to24(evalFraction(v))) as Vec3);
  const system = crystalSystem as CrystalSystem;
  const latticeSystem: LatticeSystem =
    system === 'trigonal' ? (ext === 'R' ? 'rhombohedral' : 'hexagonal') : (system as LatticeSystem);
  const centrosymmetric = operations.some((op) =>
    op.rotation.every((r, i) => r.every((v, j) => v === (i === j ? -1 : 0))),
  );
  return {
    number: Number(number),
    ccp4: Number(ccp4),
    hm,
    ext,
    xhm: ext ? `${hm}:${ext}` : hm,
    qualifier,
    hall,
    shortName,
    crystalSystem: system,
    latticeSystem,
    laueGroup: laue as LaueGroup,
    pointGroup,
    centring: hm[0] as Centring,
    centringType: centringType as Centring,
    isReferenceSetting: f[11] === '1',
    basisOp: f[12]!,
    centrosymmetric,
    operations,
    centringVectors24,
    tableIndex: index,
  };
}

function evalFraction(s: string): number {
  const [n, d] = s.split('/');
  return Number(n) / (d === undefined ? 1 : Number(d));
}
