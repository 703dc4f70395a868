/**
 * Define Lattice (spec §6.1, §3.2): the sample group `/entry/sample` of a scan file — unitcell_a …
 * unitcell_gamma (float64, @units 'Angstroms' / 'degrees'), space_group (GEMMI's extended
 * Hermann–Mauguin symbol, e.g. 'P 63/m m c', 'R -3 m:H'), laue_group, lattice_centring,
 * unit_cell_group (the lattice system: NXRefine's six names, plus 'rhombohedral' for groups in
 * rhombohedral axes) and chemical_formula. Every /fN/sample is linked to /entry/sample.
 *
 * The cell must satisfy the constraints of the group's lattice system (monoclinic: of its unique
 * axis); otherwise the job refuses, naming the nearest consistent cell, unless `constrain` imposes
 * it. Cells within 1e-4 Å / 1e-3° of consistency are snapped to exact values (90°, 120°, a = b).
 *
 * Difference from NXRefine: NXRefine converts a symbol to the reference setting of its number
 * ('P 1 1 21/b' is stored as 'P 1 21/c 1') without transforming the cell; we keep the setting the
 * user named, because the cell is given in it.
 */
import { resolve } from 'node:path';

import type { UnitCell } from '../../refine/geometry/models.ts';
import { checkCell } from '../../refine/lattice/check-cell.ts';
import { findSpaceGroup } from '../../refine/symmetry/find-space-group.ts';
import type { SpaceGroup } from '../../refine/symmetry/models.ts';
import { detectorEntries } from '../../nexus/schema/nxrefine-paths.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { cellsAgree, constrainCellForGroup, describeCellConstraints, formatCell } from './constrain-cell.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { clearPaths } from './field-snapshot.ts';
import { CELL_FIELDS, readSampleLattice, resolveSampleSpaceGroup } from './read-sample-lattice.ts';

export const SAMPLE_PATH = '/entry/sample';

export interface DefineLatticeOptions {
  /** The scan (wrapper) file. */
  file: string;
  /** Unit cell, Å and degrees. @default the cell already in the file */
  cell?: UnitCell;
  /** Hermann–Mauguin symbol (any GEMMI spelling), Hall symbol or number. @default the file's */
  spaceGroup?: string | number;
  /** Chemical formula. @default unchanged */
  formula?: string;
  /** Impose the group's constraints on an inconsistent cell instead of refusing. @default false */
  constrain?: boolean;
}

export interface DefineLatticeResult {
  file: string;
  path: string;
  /** The cell written. */
  cell: UnitCell;
  /** The cell given, when the constraints changed it beyond the snapping tolerance. */
  givenCell?: UnitCell;
  spaceGroup: string;
  spaceGroupNumber: number;
  laueGroup: string;
  centring: string;
  unitCellGroup: string;
  formula?: string;
}

/** The value NXRefine keeps in unit_cell_group for a group (trigonal → hexagonal axes name). */
export function unitCellGroupOf(sg: SpaceGroup): string {
  return sg.latticeSystem;
}

function spaceGroupOf(symbol: string | number, cell: UnitCell | undefined, file: string): SpaceGroup {
  const s = typeof symbol === 'string' && /^\s*\d+\s*$/.test(symbol) ? Number(symbol) : symbol;
  try {
    return findSpaceGroup(s, cell ? { alpha: cell.alpha, gamma: cell.gamma } : {});
  } catch (e) {
    if (e instanceof NxrError) throw new NxrError({ code: e.code, message: e.message, file }, { cause: e });
    throw e;
  }
}

export async function defineLattice(
  options: DefineLatticeOptions,
  ctx: JobContext = {},
): Promise<DefineLatticeResult> {
  const file = resolve(options.file);
  ctx.onProgress?.(0, 'reading the sample');
  const f = await openNexusFile(file);
  let current;
  let currentSg: SpaceGroup | undefined;
  let entries: string[];
  try {
    current = await readSampleLattice(f, SAMPLE_PATH);
    if (options.spaceGroup === undefined) currentSg = resolveSampleSpaceGroup(f, current);
    entries = detectorEntries(f.children('/', { attrs: false }).map((c) => c.name));
    if (!f.has('/entry'))
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'no /entry group: not an NXRefine scan file',
        file,
        path: '/entry',
      });
  } finally {
    f.close();
  }
  const given = options.cell ?? current.cell;
  if (!given)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'no unit cell given and none in the file (--cell a,b,c,alpha,beta,gamma)',
      file,
      path: SAMPLE_PATH,
    });
  try {
    checkCell(given);
  } catch (e) {
    if (e instanceof NxrError) throw new NxrError({ code: e.code, message: e.message, file }, { cause: e });
    throw e;
  }
  const sg = options.spaceGroup !== undefined ? spaceGroupOf(options.spaceGroup, given, file) : currentSg;
  if (!sg)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'no space group given and none in the file (--space-group SYMBOL|NUMBER)',
      file,
      path: `${SAMPLE_PATH}/space_group`,
    });
  const nearest = constrainCellForGroup(given, sg);
  const consistent = cellsAgree(given, nearest);
  if (!consistent && options.constrain !== true) {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message:
        `cell ${formatCell(given)} is not ${sg.latticeSystem} as space group '${sg.xhm}' requires ` +
        `(${describeCellConstraints(sg)}); nearest consistent cell: ${formatCell(nearest)} ` +
        '(give it, or use --constrain to impose it)',
      file,
    });
  }
  const cell = nearest;
  throwIfAborted(ctx.signal, file);
  const formula = options.formula ?? current.formula;
  await updateNexusFile(
    file,
    (w) => {
      if (!w.has(SAMPLE_PATH)) w.group(SAMPLE_PATH, 'NXsample');
      const at = (name: string): string => `${SAMPLE_PATH}/${name}`;
      clearPaths(
        w,
        [
          'chemical_formula',
          'space_group',
          'laue_group',
          'unit_cell_group',
          'lattice_centring',
          ...CELL_FIELDS,
        ].map(at),
      );
      if (formula !== undefined) w.field(at('chemical_formula'), formula);
      w.field(at('space_group'), sg.xhm);
      w.field(at('laue_group'), sg.laueGroup);
      w.field(at('unit_cell_group'), unitCellGroupOf(sg));
      w.field(at('lattice_centring'), sg.centring);
      for (const k of ['a', 'b', 'c'] as const)
        w.field(at(`unitcell_${k}`), cell[k], { dtype: '<f8', units: 'Angstroms' });
      for (const k of ['alpha', 'beta', 'gamma'] as const)
        w.field(at(`unitcell_${k}`), cell[k], { dtype: '<f8', units: 'degrees' });
      throwIfAborted(ctx.signal, file);
      for (const e of entries) if (!w.has(`/${e}/sample`)) w.nexusLink(`/${e}/sample`, SAMPLE_PATH);
    },
    { purpose: 'nxr define-lattice' },
  );
  ctx.onLog?.(
    `${sg.xhm} (${sg.laueGroup}, ${sg.centring}), cell ${formatCell(cell)} saved in ${file}:${SAMPLE_PATH}`,
  );
  ctx.onProgress?.(1, 'done');
  return {
    file,
    path: SAMPLE_PATH,
    cell,
    ...(consistent ? {} : { givenCell: given }),
    spaceGroup: sg.xhm,
    spaceGroupNumber: sg.number,
    laueGroup: sg.laueGroup,
    centring: sg.centring,
    unitCellGroup: unitCellGroupOf(sg),
    ...(formula !== undefined ? { formula } : {}),
  };
}
