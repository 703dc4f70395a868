import { defineLattice } from '../../engine/jobs/define-lattice.ts';
import { formatCell } from '../../engine/jobs/constrain-cell.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberListOption, parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr define-lattice FILE [--cell a,b,c,alpha,beta,gamma] [--space-group SYMBOL|NUMBER] [options]

Defines the sample lattice of a scan file (Refine ▸ Define Lattice): /entry/sample unitcell_a …
unitcell_gamma (Å, degrees), space_group (extended Hermann–Mauguin symbol as GEMMI writes it),
laue_group, lattice_centring, unit_cell_group (lattice system) and chemical_formula; every fN/sample
is linked to /entry/sample. A cell that breaks the constraints of the group's lattice system is
refused with the nearest consistent cell, unless --constrain imposes it. Values not given are kept
from the file.

options:
  --cell a,b,c,al,be,ga   unit cell, Å and degrees
  --space-group S         symbol ('P 63/m m c', 'P63/mmc', 'Fm-3m', 'R-3m:R', 'P 1 1 21/b') or number
  --formula TEXT          chemical formula
  --constrain             impose the group's cell constraints instead of refusing
  --json                  print the result as JSON`;

const command: Command = {
  summary: 'define the unit cell and space group (/entry/sample) of a scan file',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      cell: { type: 'string' },
      'space-group': { type: 'string' },
      formula: { type: 'string' },
      constrain: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan file (nxr define-lattice FILE)',
      });
    const c = numberListOption('cell', values.cell, 6);
    const result = await defineLattice(
      {
        file: positionals[0]!,
        ...(c ? { cell: { a: c[0]!, b: c[1]!, c: c[2]!, alpha: c[3]!, beta: c[4]!, gamma: c[5]! } } : {}),
        ...(values['space-group'] !== undefined ? { spaceGroup: values['space-group'] } : {}),
        ...(values.formula !== undefined ? { formula: values.formula } : {}),
        constrain: values.constrain,
      },
      { signal: io.signal },
    );
    if (values.json) {
      io.out(JSON.stringify(result, null, 2));
      return 0;
    }
    io.out(`space_group       ${result.spaceGroup}  (No. ${result.spaceGroupNumber})`);
    io.out(`laue_group        ${result.laueGroup}`);
    io.out(`lattice_centring  ${result.centring}`);
    io.out(`unit_cell_group   ${result.unitCellGroup}`);
    io.out(`cell              ${formatCell(result.cell)}`);
    if (result.givenCell) io.out(`                  (constrained from ${formatCell(result.givenCell)})`);
    if (result.formula !== undefined) io.out(`chemical_formula  ${result.formula}`);
    io.out(`saved in ${result.file}:${result.path}`);
    return 0;
  },
};

export default command;
