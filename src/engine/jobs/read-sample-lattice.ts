/**
 * The sample's lattice as NXRefine reads it from `/entry/sample` (spec §3.2): unitcell_a …
 * unitcell_gamma, with the read fallbacks unit_cell[6] (also (n, 6), first row) and
 * unit_cell_abc[3] + unit_cell_alphabetagamma[3]; space_group, laue_group, unit_cell_group,
 * lattice_centring, chemical_formula. Lengths come back in Å and angles in degrees whatever units
 * the file states.
 */
import type { NexusReader } from '../../nexus/port.ts';
import type { UnitCell } from '../../refine/geometry/models.ts';
import { findDefaultSpaceGroup } from '../../refine/symmetry/default-space-group.ts';
import { lookupSpaceGroup } from '../../refine/symmetry/find-space-group.ts';
import type { SpaceGroup } from '../../refine/symmetry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { readScalar, readText, readVector } from './read-fields.ts';

export type CellSource = 'unitcell_*' | 'unit_cell' | 'unit_cell_abc+unit_cell_alphabetagamma';

export interface SampleLattice {
  /** The sample group read. */
  samplePath: string;
  cell?: UnitCell;
  /** Which fields the cell came from. */
  cellSource?: CellSource;
  /** Space group symbol as stored (GEMMI xHM when NXRefine wrote it). */
  spaceGroup?: string;
  laueGroup?: string;
  /** Crystal system name (NXRefine's `symmetry`). */
  unitCellGroup?: string;
  centring?: string;
  formula?: string;
}

export const CELL_FIELDS = [
  'unitcell_a',
  'unitcell_b',
  'unitcell_c',
  'unitcell_alpha',
  'unitcell_beta',
  'unitcell_gamma',
] as const;

const CELL_KEYS = ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const;

function cellFrom(values: number[]): UnitCell {
  return {
    a: values[0]!,
    b: values[1]!,
    c: values[2]!,
    alpha: values[3]!,
    beta: values[4]!,
    gamma: values[5]!,
  };
}

/** The lattice of a sample group (default `/entry/sample`). Missing fields are left undefined. */
export async function readSampleLattice(
  f: NexusReader,
  samplePath = '/entry/sample',
): Promise<SampleLattice> {
  const out: SampleLattice = { samplePath };
  if (!f.has(samplePath)) return out;
  const at = (name: string): string => `${samplePath}/${name}`;

  const separate = await Promise.all(
    CELL_FIELDS.map((name, i) => readScalar(f, at(name), i < 3 ? 'angstrom' : 'deg', { first: true })),
  );
  const present = separate.filter((v) => v !== undefined).length;
  if (present === 6) {
    out.cell = cellFrom(separate as number[]);
    out.cellSource = 'unitcell_*';
  } else if (present > 0) {
    const missing = CELL_FIELDS.filter((_, i) => separate[i] === undefined);
    throw new NxrError({
      code: 'MISSING_PATH',
      message: `incomplete unit cell: ${missing.join(', ')} missing`,
      file: f.file,
      path: at(missing[0]!),
    });
  } else if (f.has(at('unit_cell'))) {
    const v = await readVector(f, at('unit_cell'));
    if (!v || v.length < 6 || v.length % 6 !== 0)
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `unit_cell needs 6 values (a, b, c, α, β, γ), found ${v?.length ?? 0}`,
        file: f.file,
        path: at('unit_cell'),
      });
    out.cell = cellFrom(v);
    out.cellSource = 'unit_cell';
  } else if (f.has(at('unit_cell_abc')) || f.has(at('unit_cell_alphabetagamma'))) {
    const abc = await readVector(f, at('unit_cell_abc'), 'angstrom');
    const angles = await readVector(f, at('unit_cell_alphabetagamma'), 'deg');
    if (!abc || abc.length !== 3 || !angles || angles.length !== 3)
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: 'unit_cell_abc and unit_cell_alphabetagamma need 3 values each',
        file: f.file,
        path: at(!abc || abc.length !== 3 ? 'unit_cell_abc' : 'unit_cell_alphabetagamma'),
      });
    out.cell = cellFrom([...abc, ...angles]);
    out.cellSource = 'unit_cell_abc+unit_cell_alphabetagamma';
  }
  if (out.cell && !CELL_KEYS.every((k) => Number.isFinite(out.cell![k]))) {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'unit cell has non-finite values',
      file: f.file,
      path: samplePath,
    });
  }
  const text = (name: string): string | undefined => readText(f, at(name));
  const sg = text('space_group');
  if (sg !== undefined) out.spaceGroup = sg;
  const laue = text('laue_group');
  if (laue !== undefined) out.laueGroup = laue;
  const system = text('unit_cell_group');
  if (system !== undefined) out.unitCellGroup = system;
  const centring = text('lattice_centring');
  if (centring !== undefined) out.centring = centring;
  const formula = text('chemical_formula');
  if (formula !== undefined) out.formula = formula;
  return out;
}

/**
 * The space group a lattice implies, as NXRefine's `sg`: the stored symbol, else the group with
 * minimal absences for the stored centring (P1, C121, I222, …), else undefined. An unknown symbol
 * is an NxrError naming the field.
 */
export function resolveSampleSpaceGroup(f: NexusReader, lattice: SampleLattice): SpaceGroup | undefined {
  if (lattice.spaceGroup !== undefined) {
    const symbol = /^\d+$/.test(lattice.spaceGroup) ? Number(lattice.spaceGroup) : lattice.spaceGroup;
    const sg = lookupSpaceGroup(
      symbol,
      lattice.cell ? { alpha: lattice.cell.alpha, gamma: lattice.cell.gamma } : {},
    );
    if (!sg)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `unknown space group '${lattice.spaceGroup}'`,
        file: f.file,
        path: `${lattice.samplePath}/space_group`,
      });
    return sg;
  }
  if (lattice.centring !== undefined) {
    try {
      return findDefaultSpaceGroup(lattice.centring);
    } catch (e) {
      throw new NxrError(
        {
          code: 'BAD_PARAMETER',
          message: (e as Error).message,
          file: f.file,
          path: `${lattice.samplePath}/lattice_centring`,
        },
        { cause: e },
      );
    }
  }
  return undefined;
}
