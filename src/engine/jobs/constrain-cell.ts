/**
 * The cell constraints of a space-group setting, for Define Lattice: like NXRefine's set_symmetry
 * (spec §4.9) but aware of the monoclinic unique axis (P 1 1 21/b fixes α = β = 90°, not α = γ)
 * and of rhombohedral axes (R -3 m:R: a = b = c, α = β = γ), and "nearest" in the sense that tied
 * lengths become their mean rather than copies of a.
 */
import type { UnitCell } from '../../refine/geometry/models.ts';
import type { SpaceGroup } from '../../refine/symmetry/models.ts';

type Key = keyof UnitCell;

/** Tolerances within which a cell already satisfies the constraints (Å, degrees). */
export const CELL_TOLERANCE = { length: 1e-4, angle: 1e-3 } as const;

/** The monoclinic unique axis of a setting: 'a', 'b' or 'c' (GEMMI qualifier 'b1', '-c2', …). */
export function monoclinicUniqueAxis(sg: SpaceGroup): 'a' | 'b' | 'c' {
  const q = sg.qualifier.replace(/^-/, '');
  return q.startsWith('a') ? 'a' : q.startsWith('c') ? 'c' : 'b';
}

/** Human-readable constraints, e.g. 'b = a, α = β = 90°, γ = 120°'. */
export function describeCellConstraints(sg: SpaceGroup): string {
  switch (sg.latticeSystem) {
    case 'cubic':
      return 'a = b = c, α = β = γ = 90°';
    case 'tetragonal':
      return 'a = b, α = β = γ = 90°';
    case 'orthorhombic':
      return 'α = β = γ = 90°';
    case 'hexagonal':
      return 'a = b, α = β = 90°, γ = 120°';
    case 'rhombohedral':
      return 'a = b = c, α = β = γ';
    case 'monoclinic': {
      const u = monoclinicUniqueAxis(sg);
      return u === 'a' ? 'β = γ = 90°' : u === 'c' ? 'α = β = 90°' : 'α = γ = 90°';
    }
    default:
      return 'none';
  }
}

const mean = (...v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

/** The nearest cell satisfying the constraints of `sg`'s lattice system and setting. */
export function constrainCellForGroup(cell: UnitCell, sg: SpaceGroup): UnitCell {
  const c = { ...cell };
  switch (sg.latticeSystem) {
    case 'cubic': {
      const a = mean(c.a, c.b, c.c);
      return { a, b: a, c: a, alpha: 90, beta: 90, gamma: 90 };
    }
    case 'tetragonal': {
      const a = mean(c.a, c.b);
      return { a, b: a, c: c.c, alpha: 90, beta: 90, gamma: 90 };
    }
    case 'orthorhombic':
      return { ...c, alpha: 90, beta: 90, gamma: 90 };
    case 'hexagonal': {
      const a = mean(c.a, c.b);
      return { a, b: a, c: c.c, alpha: 90, beta: 90, gamma: 120 };
    }
    case 'rhombohedral': {
      const a = mean(c.a, c.b, c.c);
      const al = mean(c.alpha, c.beta, c.gamma);
      return { a, b: a, c: a, alpha: al, beta: al, gamma: al };
    }
    case 'monoclinic': {
      const u = monoclinicUniqueAxis(sg);
      const right: Key[] = u === 'a' ? ['beta', 'gamma'] : u === 'c' ? ['alpha', 'beta'] : ['alpha', 'gamma'];
      for (const k of right) c[k] = 90;
      return c;
    }
    default:
      return c;
  }
}

/** True when every parameter of `cell` is within `CELL_TOLERANCE` of `target`. */
export function cellsAgree(cell: UnitCell, target: UnitCell, tol = CELL_TOLERANCE): boolean {
  const lengths: Key[] = ['a', 'b', 'c'];
  const angles: Key[] = ['alpha', 'beta', 'gamma'];
  return (
    lengths.every((k) => Math.abs(cell[k] - target[k]) <= tol.length) &&
    angles.every((k) => Math.abs(cell[k] - target[k]) <= tol.angle)
  );
}

export function formatCell(c: UnitCell): string {
  const f = (v: number): string => String(Number(v.toPrecision(10)));
  return [c.a, c.b, c.c, c.alpha, c.beta, c.gamma].map(f).join(',');
}
