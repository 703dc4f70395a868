import { NxrError } from '../../shared/errors.ts';
import type { SpaceGroup } from './models.ts';
import { listSpaceGroups } from './space-group-list.ts';
import { SPACE_GROUP_ALT_NAMES } from './space-group-table.ts';

export interface FindSpaceGroupOptions {
  /**
   * Cell angles α and γ (degrees), used only to choose between the hexagonal (H) and rhombohedral
   * (R) settings of a bare 'R …' symbol, as GEMMI does: R if γ < 1.125·α. @default H
   */
  alpha?: number;
  gamma?: number;
}

/**
 * The space group named by `symbol`: a number (1–230, CCP4 numbers too; reference setting), a
 * Hermann–Mauguin symbol in full or short form with or without spaces ('P 1 21/c 1', 'P21/c',
 * 'Fm-3m', 'R-3m', 'R -3 m:R', 'Fd-3m:2', old symbols such as 'Cmca') or a Hall symbol ('-P 2ybc').
 *
 * Hermann–Mauguin look-up reproduces GEMMI's `find_spacegroup_by_name` (same table order, same
 * rules: case-insensitive, blanks ignored, monoclinic short names, 'H…' for hexagonal R, the first
 * matching setting wins, e.g. origin choice 1 for 'Fd-3m'). In addition, spellings GEMMI rejects
 * but users type are normalised first: underscores of subscripts ('P2_1/c', 'P6_3/mmc'), Unicode
 * minus and combining overline ('Fm−3m', 'P6̄'), surrounding spaces.
 *
 * @throws NxrError BAD_PARAMETER naming the symbol if nothing matches.
 */
export function findSpaceGroup(symbol: string | number, options: FindSpaceGroupOptions = {}): SpaceGroup {
  const sg = lookupSpaceGroup(symbol, options);
  if (!sg)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `unknown space group '${String(symbol)}' (expected a number 1–230 or a Hermann–Mauguin symbol such as 'P 21/c', 'Fm-3m', 'R-3m:R')`,
    });
  return sg;
}

/** As `findSpaceGroup`, but undefined instead of an error. */
export function lookupSpaceGroup(
  symbol: string | number,
  options: FindSpaceGroupOptions = {},
): SpaceGroup | undefined {
  const table = listSpaceGroups();
  if (typeof symbol === 'number') {
    if (!Number.isInteger(symbol)) return undefined;
    return findByNumber(table, symbol);
  }
  if (typeof symbol !== 'string') return undefined;
  const index = findIndexGemmi(symbol, options.alpha ?? 0, options.gamma ?? 0);
  if (index !== undefined) return table[index];
  const normalised = symbol
    .replace(/[\u2212\u2012\u2013]/g, '-')
    .replace(/(.)\u0305/gu, '-$1')
    .replace(/_/g, '')
    .trim();
  const index2 = findIndexGemmi(normalised, options.alpha ?? 0, options.gamma ?? 0);
  if (index2 !== undefined) return table[index2];
  const hall = symbol.trim().replace(/\s+/g, ' ');
  return table.find((sg) => sg.hall === hall);
}

function findByNumber(table: readonly SpaceGroup[], n: number): SpaceGroup | undefined {
  if (n === 0) return table[0];
  return table.find((sg) => sg.ccp4 === n);
}

const NUL = '\0';

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '_';
}

/** Index of the first non-blank character at or after i ('_' counts as a blank, as in GEMMI). */
function skipBlank(s: string, i: number): number {
  while (isBlank(s[i])) i++;
  return i;
}

/** Character at i of a NUL-terminated string. */
function at(s: string, i: number): string {
  return i < s.length ? s[i]! : NUL;
}

/** A port of GEMMI 0.5.7 `find_spacegroup_by_name` (symmetry.hpp), returning the table row. */
function findIndexGemmi(input: string, alpha: number, gamma: number): number | undefined {
  const table = listSpaceGroups();
  let p = skipBlank(input, 0);
  const c0 = at(input, p);
  if (c0 >= '0' && c0 <= '9') {
    const rest = input.slice(p);
    const m = /^\d+/.exec(rest);
    if (!m || m[0].length !== rest.length) return undefined;
    return findByNumber(table, Number(m[0]))?.tableIndex;
  }
  let first = c0.toUpperCase();
  if (first === NUL || c0 === NUL) return undefined;
  if (first === 'H') first = 'R';
  p = skipBlank(input, p + 1);
  // Lower-case the rest, except letters after ':' which are upper-cased.
  let name = input.slice(0, p);
  let afterColon = false;
  for (let i = p; i < input.length; i++) {
    const ch = input[i]!;
    if (ch === ':') afterColon = true;
    name += afterColon
      ? ch >= 'a' && ch <= 'z'
        ? ch.toUpperCase()
        : ch
      : ch >= 'A' && ch <= 'Z'
        ? ch.toLowerCase()
        : ch;
  }
  const matchFull = (hm: string, ext: string): { ok: boolean; bare: boolean } => {
    let a = skipBlank(name, p + 1);
    let b = skipBlank(hm, 3);
    while (at(name, a) === at(hm, b) && at(hm, b) !== NUL) {
      a = skipBlank(name, a + 1);
      b = skipBlank(hm, b + 1);
    }
    if (at(hm, b) !== NUL) return { ok: false, bare: false };
    if (at(name, a) === NUL) return { ok: true, bare: true };
    const e = at(name, skipBlank(name, a + 1));
    return { ok: at(name, a) === ':' && e === (ext === '' ? NUL : ext), bare: false };
  };
  const cp = at(name, p);
  for (let i = 0; i < table.length; i++) {
    const sg = table[i]!;
    const hm = sg.hm;
    if (hm[0] !== first) continue;
    if (at(hm, 2) === cp) {
      const { ok, bare } = matchFull(hm, sg.ext);
      if (ok) {
        // A bare hexagonal-setting symbol becomes rhombohedral if the angles look rhombohedral.
        if (bare && sg.ext === 'H' && gamma < 1.125 * alpha) return i + 1;
        return i;
      }
    } else if (at(hm, 2) === '1' && at(hm, 3) === ' ') {
      // Monoclinic short names: 'P 21/c' = 'P 1 21/c 1'; exception 'B 2' = 'B 1 1 2'.
      let b = 4;
      let accept = at(hm, b) !== '1';
      if (!accept && first === 'B') {
        b++;
        if (at(hm, b) === ' ') {
          b++;
          accept = at(hm, b) !== '1';
        }
      }
      if (accept) {
        const end = b === 4 ? ' ' : NUL;
        let a = skipBlank(name, p);
        while (at(name, a) === at(hm, b) && at(hm, b) !== end) {
          a++;
          b++;
        }
        if (at(name, skipBlank(name, a)) === NUL && at(hm, b) === end) return i;
      }
    }
  }
  for (const [hm, ext, index] of SPACE_GROUP_ALT_NAMES) {
    if (hm[0] === first && at(hm, 2) === cp && matchFull(hm, ext).ok) return index;
  }
  return undefined;
}
