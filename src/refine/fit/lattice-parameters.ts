import { NxrError } from '../../shared/errors.ts';
import type { Geometry, Mat3, UnitCell, Vec3 } from '../geometry/models.ts';
import { applyCellConstraints } from '../lattice/apply-cell-constraints.ts';
import { listFreeCellParameters } from '../lattice/free-cell-parameters.ts';
import { degToRad, multiplyMat3 } from '../linalg/mat3.ts';
import type { LatticeModel, RefinableName } from './models.ts';

/** One varied scalar: where it lives, its finite-difference step and bounds. */
export interface ParameterSpec {
  name: string;
  initial: number;
  units: string;
  step: number;
  lower: number;
  upper: number;
}

export interface ParameterVector {
  specs: ParameterSpec[];
  /** Initial values. */
  values: Float64Array;
  /** The model for a parameter vector (the reference U is rotated by the U.x/U.y/U.z angles). */
  apply(p: ArrayLike<number>): LatticeModel;
  /** Flags that were asked for but are fixed by the lattice system (e.g. 'b' in a tetragonal cell). */
  ignored: RefinableName[];
  /** For each cell parameter set by a constraint, the free parameter it follows. */
  constrained: Partial<Record<keyof UnitCell, string>>;
}

const CELL_KEYS = ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const;
const GEOMETRY_KEYS = [
  'wavelength',
  'distance',
  'beamCenterX',
  'beamCenterY',
  'yaw',
  'pitch',
  'roll',
  'phiStart',
  'chi',
  'omega',
  'theta',
] as const;
type GeometryKey = (typeof GEOMETRY_KEYS)[number];

const GEOMETRY_UNITS: Record<GeometryKey, string> = {
  wavelength: 'Å',
  distance: 'mm',
  beamCenterX: 'px',
  beamCenterY: 'px',
  yaw: 'deg',
  pitch: 'deg',
  roll: 'deg',
  phiStart: 'deg',
  chi: 'deg',
  omega: 'deg',
  theta: 'deg',
};
const GEOMETRY_STEPS: Record<GeometryKey, number> = {
  wavelength: 1e-7,
  distance: 1e-4,
  beamCenterX: 1e-4,
  beamCenterY: 1e-4,
  yaw: 1e-5,
  pitch: 1e-5,
  roll: 1e-5,
  phiStart: 1e-5,
  chi: 1e-5,
  omega: 1e-5,
  theta: 1e-5,
};

/** Rotation by the vector w (degrees; direction = axis, length = angle), Rodrigues' formula. */
export function rotationFromVector(w: Vec3): Mat3 {
  const t = degToRad(Math.hypot(w[0], w[1], w[2]));
  if (t === 0)
    return [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
  const [x, y, z] = w.map((v) => degToRad(v) / t) as Vec3;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const C = 1 - c;
  return [
    [c + x * x * C, x * y * C - z * s, x * z * C + y * s],
    [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
    [z * x * C - y * s, z * y * C + x * s, c + z * z * C],
  ];
}

/** Rotation vector (degrees; axis × angle) of a rotation matrix: the inverse of `rotationFromVector`. */
export function rotationVectorOf(R: Mat3): Vec3 {
  const sx = (R[2][1] - R[1][2]) / 2;
  const sy = (R[0][2] - R[2][0]) / 2;
  const sz = (R[1][0] - R[0][1]) / 2;
  const s = Math.hypot(sx, sy, sz);
  const c = (R[0][0] + R[1][1] + R[2][2] - 1) / 2;
  const t = Math.atan2(s, c);
  if (s < 1e-12) return [0, 0, 0];
  const k = (t * 180) / Math.PI / s;
  return [sx * k, sy * k, sz * k];
}

/** The cell parameters a refinement may vary: `listFreeCellParameters`, with the monoclinic unique axis. */
export function freeCellParameters(
  model: Pick<LatticeModel, 'latticeSystem' | 'uniqueAxis'>,
): (keyof UnitCell)[] {
  if (model.latticeSystem === 'monoclinic' && model.uniqueAxis && model.uniqueAxis !== 'b')
    return ['a', 'b', 'c', model.uniqueAxis === 'a' ? 'alpha' : 'gamma'];
  return listFreeCellParameters(model.latticeSystem);
}

/** Impose the model's lattice system on a cell (`applyCellConstraints`, with the monoclinic unique axis). */
export function constrainCell(
  cell: UnitCell,
  model: Pick<LatticeModel, 'latticeSystem' | 'uniqueAxis'>,
): UnitCell {
  if (model.latticeSystem === 'monoclinic' && model.uniqueAxis === 'a')
    return { ...cell, beta: 90, gamma: 90 };
  if (model.latticeSystem === 'monoclinic' && model.uniqueAxis === 'c')
    return { ...cell, alpha: 90, beta: 90 };
  return applyCellConstraints(cell, model.latticeSystem);
}

/**
 * The vector of varied parameters for a model and a set of fit flags. Cell parameters vary only if
 * flagged and free in the lattice system (the others follow by `applyCellConstraints`); a flag
 * that is off keeps its parameter fixed. 'U' adds three rotation angles (degrees) about the
 * sample-frame axes applied to the starting U, so U stays a rotation.
 * @throws NxrError BAD_PARAMETER for an unknown flag.
 */
export function buildParameterVector(model: LatticeModel, flags: Iterable<RefinableName>): ParameterVector {
  const set = new Set<RefinableName>();
  for (const f of flags) {
    if (!isRefinableName(f))
      throw new NxrError({ code: 'BAD_PARAMETER', message: `unknown fit parameter '${String(f)}'` });
    set.add(f);
  }
  const free = freeCellParameters(model);
  const specs: ParameterSpec[] = [];
  const ignored: RefinableName[] = [];
  const cellIndex: Partial<Record<keyof UnitCell, number>> = {};
  for (const key of CELL_KEYS) {
    if (!set.has(key)) continue;
    if (!free.includes(key)) {
      ignored.push(key);
      continue;
    }
    const v = model.cell[key];
    const isLength = key === 'a' || key === 'b' || key === 'c';
    cellIndex[key] = specs.length;
    specs.push({
      name: key,
      initial: v,
      units: isLength ? 'Å' : 'deg',
      step: isLength ? 1e-6 * v : 1e-5,
      lower: isLength ? 1e-3 : 1,
      upper: isLength ? Infinity : 179,
    });
  }
  const geometryIndex: Partial<Record<GeometryKey, number>> = {};
  for (const key of GEOMETRY_KEYS) {
    if (!set.has(key)) continue;
    geometryIndex[key] = specs.length;
    const positive = key === 'wavelength' || key === 'distance';
    specs.push({
      name: key,
      initial: model.geometry[key],
      units: GEOMETRY_UNITS[key],
      step: GEOMETRY_STEPS[key],
      lower: positive ? 1e-6 : -Infinity,
      upper: Infinity,
    });
  }
  const offsetIndex: Partial<Record<'xs' | 'ys' | 'zs', number>> = {};
  const offset0 = model.geometry.sampleOffset ?? [0, 0, 0];
  (['xs', 'ys', 'zs'] as const).forEach((key, i) => {
    if (!set.has(key)) return;
    offsetIndex[key] = specs.length;
    specs.push({
      name: key,
      initial: offset0[i]!,
      units: 'mm',
      step: 1e-5,
      lower: -Infinity,
      upper: Infinity,
    });
  });
  let uIndex = -1;
  if (set.has('U')) {
    uIndex = specs.length;
    for (const axis of ['x', 'y', 'z'])
      specs.push({
        name: `U.${axis}`,
        initial: 0,
        units: 'deg',
        step: 1e-5,
        lower: -Infinity,
        upper: Infinity,
      });
  }

  const constrained: Partial<Record<keyof UnitCell, string>> = {};
  const probe = constrainCell({ a: 1.1, b: 1.2, c: 1.3, alpha: 81, beta: 82, gamma: 83 }, model);
  for (const key of CELL_KEYS) {
    if (free.includes(key)) continue;
    const follows = free.find((f) => probe[key] === probe[f]);
    if (follows) constrained[key] = follows;
  }

  const U0 = model.U.map((r) => [...r]) as Mat3;
  const apply = (p: ArrayLike<number>): LatticeModel => {
    const cell: UnitCell = { ...model.cell };
    for (const key of CELL_KEYS) {
      const i = cellIndex[key];
      if (i !== undefined) cell[key] = p[i]!;
    }
    const geometry: Geometry = { ...model.geometry };
    for (const key of GEOMETRY_KEYS) {
      const i = geometryIndex[key];
      if (i !== undefined) geometry[key] = p[i]!;
    }
    if (offsetIndex.xs !== undefined || offsetIndex.ys !== undefined || offsetIndex.zs !== undefined) {
      geometry.sampleOffset = (['xs', 'ys', 'zs'] as const).map((key, i) => {
        const j = offsetIndex[key];
        return j === undefined ? offset0[i]! : p[j]!;
      }) as Vec3;
    }
    const U =
      uIndex < 0 ? U0 : multiplyMat3(rotationFromVector([p[uIndex]!, p[uIndex + 1]!, p[uIndex + 2]!]), U0);
    return {
      ...model,
      cell: constrainCell(cell, model),
      geometry,
      U,
    };
  };
  return { specs, values: Float64Array.from(specs, (s) => s.initial), apply, ignored, constrained };
}

function isRefinableName(s: unknown): s is RefinableName {
  return (
    typeof s === 'string' &&
    (CELL_KEYS as readonly string[]).concat(GEOMETRY_KEYS, ['xs', 'ys', 'zs', 'U']).includes(s)
  );
}
