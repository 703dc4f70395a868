import { NxrError } from '../../shared/errors.ts';
import type { Mat3, UnitCell, Vec3 } from '../geometry/models.ts';
import { applyCellConstraints } from '../lattice/apply-cell-constraints.ts';
import { computeBMatrix } from '../lattice/b-matrix.ts';
import { determinantMat3, dot3, invertMat3, multiplyMat3 } from '../linalg/mat3.ts';
import { isSystematicallyAbsent } from '../symmetry/is-systematically-absent.ts';
import type { Centring, LatticeSystem, SpaceGroup } from '../symmetry/models.ts';
import { cellOfBasis } from './cell-of-basis.ts';
import { countIndexedPeaks } from './count-indexed.ts';
import { computeNearestRotation } from './nearest-rotation.ts';
import { reduceCell } from './reduce-cell.ts';

/** A lattice type: lattice system, centring letter, and the centring translations (fractions). */
export interface BravaisType {
  latticeSystem: LatticeSystem;
  centring: Centring;
  /** Monoclinic unique axis. @default 'b' */
  uniqueAxis?: 'a' | 'b' | 'c';
  /** Centring translations including (0, 0, 0). */
  centringVectors: Vec3[];
}

export interface ConventionalCell {
  latticeSystem: LatticeSystem;
  centring: Centring;
  uniqueAxis?: 'a' | 'b' | 'c';
  /** The cell with the lattice system's constraints imposed. */
  cell: UnitCell;
  /** The cell of the basis as measured (before the constraints). */
  measuredCell: UnitCell;
  /** Largest relative deviation of a constrained length, and of a constrained angle (degrees). */
  lengthDistortion: number;
  angleDistortion: number;
  /** Integer matrix M: conventional basis = M·(reduced basis), conventional hkl = M·reduced hkl. */
  transform: Mat3;
  /** UB of the conventional basis as measured (1/d units). */
  UB: Mat3;
  /** Rotation U with U·B(cell) nearest UB (Busing–Levy B). */
  U: Mat3;
}

const V = (a: number, b: number, c: number): Vec3 => [a, b, c];
const CENTRING_VECTORS: Record<Centring, Vec3[]> = {
  P: [V(0, 0, 0)],
  A: [V(0, 0, 0), V(0, 0.5, 0.5)],
  B: [V(0, 0, 0), V(0.5, 0, 0.5)],
  C: [V(0, 0, 0), V(0.5, 0.5, 0)],
  I: [V(0, 0, 0), V(0.5, 0.5, 0.5)],
  F: [V(0, 0, 0), V(0, 0.5, 0.5), V(0.5, 0, 0.5), V(0.5, 0.5, 0)],
  R: [V(0, 0, 0), V(2 / 3, 1 / 3, 1 / 3), V(1 / 3, 2 / 3, 2 / 3)],
};

/** The 14 Bravais lattices in their standard settings (rhombohedral both in hexagonal axes and as rhombohedral P). */
export const BRAVAIS_TYPES: readonly BravaisType[] = (
  [
    ['cubic', 'P'],
    ['cubic', 'I'],
    ['cubic', 'F'],
    ['tetragonal', 'P'],
    ['tetragonal', 'I'],
    ['orthorhombic', 'P'],
    ['orthorhombic', 'C'],
    ['orthorhombic', 'I'],
    ['orthorhombic', 'F'],
    ['hexagonal', 'P'],
    ['hexagonal', 'R'],
    ['rhombohedral', 'P'],
    ['monoclinic', 'P'],
    ['monoclinic', 'C'],
    ['triclinic', 'P'],
  ] as const
).map(([latticeSystem, centring]) => ({
  latticeSystem,
  centring,
  centringVectors: CENTRING_VECTORS[centring],
}));

/** The lattice type of a space-group setting (centring translations from the group itself). */
export function bravaisTypeOf(sg: SpaceGroup): BravaisType {
  const q = sg.qualifier.replace(/^-/, '');
  const uniqueAxis = q.startsWith('a') ? 'a' : q.startsWith('c') ? 'c' : 'b';
  return {
    latticeSystem: sg.latticeSystem,
    centring: sg.latticeSystem === 'rhombohedral' ? 'P' : sg.centringType,
    ...(sg.latticeSystem === 'monoclinic' ? { uniqueAxis } : {}),
    centringVectors: sg.centringVectors24.map((c) => c.map((v) => v / 24) as Vec3),
  };
}

export interface ConventionalCellOptions {
  /** Largest relative deviation of lengths that the lattice system makes equal. @default 0.02 */
  lengthTolerance?: number;
  /** Largest deviation of angles the lattice system fixes or makes equal, degrees. @default 2 */
  angleTolerance?: number;
}

/** Every basis of the reduced lattice that fits `type`, best first (smallest distortion, then shortest). */
export function findConventionalCells(
  reducedUB: Mat3,
  type: BravaisType,
  options: ConventionalCellOptions = {},
): ConventionalCell[] {
  const lengthTolerance = options.lengthTolerance ?? 0.02;
  const angleTolerance = options.angleTolerance ?? 2;
  const reduced = invertMat3(reducedUB);
  const n = type.centringVectors.length;
  if (type.latticeSystem === 'triclinic') {
    if (n !== 1) return [];
    // The reduced cell, then its other right-handed sign choices (for a reference cell to pick).
    return (
      [
        [1, 1, 1],
        [-1, -1, 1],
        [-1, 1, -1],
        [1, -1, -1],
      ] as const
    ).map(([x, y, z]) => makeCell(type, reducedUB, [V(x, 0, 0), V(0, y, 0), V(0, 0, z)], reduced));
  }
  // Lattice translations with small coefficients in the reduced basis.
  const vectors: Array<{ m: Vec3; v: Vec3; len: number }> = [];
  const maxLength = 3 * Math.max(...reduced.map((r) => Math.hypot(...r)));
  // (Coefficients up to 3: the hexagonal c of a rhombohedral lattice is 3× a reduced vector minus others.)
  for (let i = -3; i <= 3; i++)
    for (let j = -3; j <= 3; j++)
      for (let k = -3; k <= 3; k++) {
        if (i === 0 && j === 0 && k === 0) continue;
        const v: Vec3 = [0, 1, 2].map(
          (c) => i * reduced[0][c]! + j * reduced[1][c]! + k * reduced[2][c]!,
        ) as Vec3;
        const len = Math.hypot(...v);
        if (len <= maxLength) vectors.push({ m: [i, j, k], v, len });
      }
  vectors.sort((x, y) => x.len - y.len);
  const cos = (x: { v: Vec3; len: number }, y: { v: Vec3; len: number }): number =>
    dot3(x.v, y.v) / (x.len * y.len);
  const toDeg = 180 / Math.PI;
  const angle = (c: number): number => Math.acos(Math.max(-1, Math.min(1, c))) * toDeg;
  const near = (x: number, target: number): boolean => Math.abs(x - target) <= angleTolerance;
  const same = (x: number, y: number): boolean => Math.abs(x / y - 1) <= lengthTolerance;
  const sys = type.latticeSystem;
  const axis = type.uniqueAxis ?? 'b';
  // Pair (a, b) test: γ and a vs b.
  const pairOk = (a: (typeof vectors)[0], b: (typeof vectors)[0]): boolean => {
    const g = angle(cos(a, b));
    switch (sys) {
      case 'cubic':
      case 'tetragonal':
        return near(g, 90) && same(a.len, b.len);
      case 'orthorhombic':
        return near(g, 90);
      case 'hexagonal':
        return near(g, 120) && same(a.len, b.len);
      case 'rhombohedral':
        return same(a.len, b.len) && g > 1 && g < 119;
      case 'monoclinic':
        return axis === 'c' ? g > 1 && g < 179 : near(g, 90);
    }
  };
  const tripleOk = (a: (typeof vectors)[0], b: (typeof vectors)[0], c: (typeof vectors)[0]): boolean => {
    const al = angle(cos(b, c));
    const be = angle(cos(a, c));
    const ga = angle(cos(a, b));
    switch (sys) {
      case 'cubic':
        return near(al, 90) && near(be, 90) && same(c.len, a.len);
      case 'tetragonal':
      case 'orthorhombic':
      case 'hexagonal':
        return near(al, 90) && near(be, 90);
      case 'rhombohedral':
        return same(c.len, a.len) && near(al, ga) && near(be, ga);
      case 'monoclinic':
        if (axis === 'a') return near(be, 90) && near(ga, 90) && al > 1 && al < 179;
        if (axis === 'c') return near(al, 90) && near(be, 90);
        return near(al, 90) && be > 1 && be < 179;
    }
  };
  const out: ConventionalCell[] = [];
  for (const a of vectors)
    for (const b of vectors) {
      if (b === a || !pairOk(a, b)) continue;
      for (const c of vectors) {
        if (c === a || c === b) continue;
        const M: Mat3 = [a.m, b.m, c.m];
        const det = determinantMat3(M);
        if (Math.abs(det - n) > 1e-6) continue;
        if (!tripleOk(a, b, c)) continue;
        if (!centringMatches(M, type.centringVectors)) continue;
        out.push(makeCell(type, reducedUB, M, reduced));
      }
    }
  const sumLengths = (c: ConventionalCell): number => c.measuredCell.a + c.measuredCell.b + c.measuredCell.c;
  const monoAngle = (c: ConventionalCell): number => {
    if (sys !== 'monoclinic') return 0;
    const key = axis === 'a' ? 'alpha' : axis === 'c' ? 'gamma' : 'beta';
    // Prefer the obtuse setting closest to 90°.
    return (c.cell[key] < 90 ? 1000 : 0) + Math.abs(c.cell[key] - 90);
  };
  const distortion = (c: ConventionalCell): number =>
    Math.max(c.lengthDistortion / lengthTolerance, c.angleDistortion / angleTolerance);
  // Distortions within measurement noise of the best are ties: prefer the shortest axes then.
  const best = Math.min(...out.map(distortion));
  const tie = Math.max(2 * best, best + 0.25);
  const preference = (x: ConventionalCell, y: ConventionalCell): number =>
    sumLengths(x) - sumLengths(y) || monoAngle(x) - monoAngle(y);
  const tied = out.filter((c) => distortion(c) <= tie).sort(preference);
  const rest = out.filter((c) => distortion(c) > tie).sort((x, y) => distortion(x) - distortion(y));
  return [...tied, ...rest];
}

/** Do the reduced basis vectors, in conventional fractional coordinates (rows of M⁻¹), sit on centring translations? */
function centringMatches(M: Mat3, vectors: Vec3[]): boolean {
  const inv = invertMat3(M);
  const frac = (x: number): number => x - Math.floor(x + 1e-6);
  return inv.every((row) => vectors.some((c) => row.every((x, i) => Math.abs(frac(x) - frac(c[i]!)) < 1e-6)));
}

function makeCell(type: BravaisType, reducedUB: Mat3, M: Mat3, reduced: Mat3): ConventionalCell {
  const basis = multiplyMat3(M, reduced);
  const measuredCell = cellOfBasis(basis);
  const cell = constrainForType(measuredCell, type);
  const lengthDistortion = Math.max(
    ...(['a', 'b', 'c'] as const).map((k) => Math.abs(measuredCell[k] / cell[k] - 1)),
  );
  const angleDistortion = Math.max(
    ...(['alpha', 'beta', 'gamma'] as const).map((k) => Math.abs(measuredCell[k] - cell[k])),
  );
  const UB = multiplyMat3(reducedUB, invertMat3(M));
  const U = computeNearestRotation(multiplyMat3(UB, invertMat3(computeBMatrix(cell))));
  return {
    latticeSystem: type.latticeSystem,
    centring: type.centring,
    ...(type.uniqueAxis ? { uniqueAxis: type.uniqueAxis } : {}),
    cell,
    measuredCell,
    lengthDistortion,
    angleDistortion,
    transform: M,
    UB,
    U,
  };
}

/** Constrained cell: lengths tied by the system become their mean (not copies of a). */
function constrainForType(c: UnitCell, type: BravaisType): UnitCell {
  const mean = (...v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  switch (type.latticeSystem) {
    case 'cubic': {
      const a = mean(c.a, c.b, c.c);
      return { a, b: a, c: a, alpha: 90, beta: 90, gamma: 90 };
    }
    case 'tetragonal': {
      const a = mean(c.a, c.b);
      return { a, b: a, c: c.c, alpha: 90, beta: 90, gamma: 90 };
    }
    case 'hexagonal': {
      const a = mean(c.a, c.b);
      return { a, b: a, c: c.c, alpha: 90, beta: 90, gamma: 120 };
    }
    case 'rhombohedral': {
      const a = mean(c.a, c.b, c.c);
      const al = mean(c.alpha, c.beta, c.gamma);
      return { a, b: a, c: a, alpha: al, beta: al, gamma: al };
    }
    case 'monoclinic':
      if (type.uniqueAxis === 'a') return { ...c, beta: 90, gamma: 90 };
      if (type.uniqueAxis === 'c') return { ...c, alpha: 90, beta: 90 };
      return applyCellConstraints(c, 'monoclinic');
    default:
      return applyCellConstraints(c, type.latticeSystem);
  }
}

export interface ChooseConventionalCellOptions extends ConventionalCellOptions {
  /** Q_sample of the peaks: among equivalent settings, prefer the one whose indexed peaks the space group allows. */
  qs?: readonly Vec3[];
  /** hkl tolerance for that count. @default 0.12 */
  indexTolerance?: number;
  /** Among equivalent settings, prefer the one nearest this cell (e.g. the cell of a related scan). */
  referenceCell?: UnitCell;
}

/**
 * The conventional cell of a space group for a lattice found without a cell (FFT indexing): the
 * lattice is reduced (`reduceCell`), every basis of the group's lattice type within tolerance is
 * listed, and among the least distorted the setting is chosen by the reference cell if given,
 * else by systematic absences (settings with clearly more indexed peaks at absent positions are
 * dropped) and then by the shortest axes (monoclinic: the obtuse angle nearest 90°).
 * @throws NxrError BAD_PARAMETER when the lattice has no cell of the group's type within tolerance.
 */
export function chooseConventionalCell(
  UB: Mat3,
  sg: SpaceGroup,
  options: ChooseConventionalCellOptions = {},
): ConventionalCell {
  const reduced = reduceCell(UB);
  const type = bravaisTypeOf(sg);
  const cells = findConventionalCells(reduced.UB, type, options);
  if (cells.length === 0) {
    const c = reduced.cell;
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message:
        `the lattice found (reduced cell ${[c.a, c.b, c.c].map((v) => v.toFixed(4)).join(', ')} Å, ` +
        `${[c.alpha, c.beta, c.gamma].map((v) => v.toFixed(3)).join(', ')}°) has no ${type.latticeSystem} ${type.centring} cell ` +
        `as space group '${sg.xhm}' requires, within the tolerances`,
    });
  }
  const lengthTolerance = options.lengthTolerance ?? 0.02;
  const angleTolerance = options.angleTolerance ?? 2;
  const distortion = (c: ConventionalCell): number =>
    Math.max(c.lengthDistortion / lengthTolerance, c.angleDistortion / angleTolerance);
  const best = Math.min(...cells.map(distortion));
  const tied = cells.filter((c) => distortion(c) <= Math.max(2 * best, best + 0.25));
  if (options.referenceCell) {
    const r = options.referenceCell;
    const diff = (c: ConventionalCell): number =>
      (['a', 'b', 'c'] as const).reduce((s, k) => s + Math.abs(c.cell[k] / r[k] - 1), 0) +
      (['alpha', 'beta', 'gamma'] as const).reduce((s, k) => s + Math.abs(c.cell[k] - r[k]) / 90, 0);
    return [...tied].sort((x, y) => diff(x) - diff(y))[0]!;
  }
  if (options.qs && options.qs.length > 0) {
    const tol = options.indexTolerance ?? 0.12;
    const absentCount = (c: ConventionalCell): number => {
      const idx = countIndexedPeaks(c.UB, options.qs!, tol);
      return idx.indices.filter((i) => isSystematicallyAbsent(sg, idx.hkls[i]!)).length;
    };
    // Settings with clearly more peaks at absent positions are wrong; the rest (a few junk peaks
    // apart) are equivalent choices, and the shortest is taken.
    const scored = tied.map((c) => ({ c, absent: absentCount(c) }));
    const fewest = Math.min(...scored.map((x) => x.absent));
    const slack = Math.max(3, 0.02 * options.qs.length);
    return scored.find((x) => x.absent <= fewest + slack)!.c;
  }
  return tied[0]!;
}

/** The best cell of every Bravais type the lattice fits (NXRefine's Orient-by-FFT cell table), most symmetric first. */
export function listConventionalCells(UB: Mat3, options: ConventionalCellOptions = {}): ConventionalCell[] {
  const reduced = reduceCell(UB);
  return BRAVAIS_TYPES.flatMap((t) => findConventionalCells(reduced.UB, t, options).slice(0, 1));
}
