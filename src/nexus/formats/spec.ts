/**
 * SPEC data files (certif.com SPEC "standard data file format"), as beamlines such as CHESS QM2
 * and APS 33-BM write them. Pure: takes the file text.
 *
 * A file is a sequence of header blocks (`#F` file name, `#E` epoch, `#D` date, `#C` comments,
 * `#O0 #O1 …` motor names, `#H0 …` user header names) and scans. A scan starts with `#S <number>
 * <command>` and has its own control lines:
 *
 *   #D date                   #T count time (seconds) or #M monitor count, each "value  (unit)"
 *   #G0 … #G4 geometry        (four-circle: #G1 lattice, reciprocal lattice, two orientation
 *                             reflections with their angles and wavelengths; #G3 the UB matrix,
 *                             row-major, Å⁻¹ WITH 2π; #G4 current HKL and wavelength …)
 *   #Q current HKL            #P0 #P1 … motor positions, in the order of the header's #O lines
 *   #N column count           #L column labels, separated by two spaces (a label may hold one)
 *   #C comments               data rows: whitespace-separated numbers, one per column
 *
 * MCA spectra (`@A` lines and their `\` continuation lines) are skipped. Motor names (`#O`) and
 * column labels (`#L`) are separated by two or more spaces, as SPEC writes them; every other list
 * is whitespace-separated. Unknown control lines are kept verbatim in `extra`.
 */
import { NxrError } from '../../shared/errors.ts';

/** A header block (the lines before the first scan, or after a new `#F`/`#E` mid-file). */
export interface SpecHeader {
  /** Line (1-based) where the block starts. */
  line: number;
  /** `#F` */
  fileName?: string;
  /** `#E`: seconds since 1970. */
  epoch?: number;
  /** `#D` as written, e.g. 'Wed Jun 16 18:24:36 2010'. */
  date?: string;
  comments: string[];
  /** `#O0`, `#O1`, … in order, concatenated. */
  motorNames: string[];
  /** `#O0`, `#O1`, … line by line (to pair with a scan's `#P0`, `#P1`, …). */
  motorLines: string[][];
  /** `#H0`, `#H1`, … names, line by line (the values are the scan's `#V` lines). */
  userHeaderLines: string[][];
}

/** A value with its unit, from `#T 1  (seconds)` or `#M 20000  (I0)`. */
export interface SpecCount {
  value: number;
  /** Text inside the parentheses ('seconds', 'I0'), if any. */
  unit?: string;
}

/** One orientation reflection of `#G1`. */
export interface SpecReflection {
  hkl: [number, number, number];
  /** Motor angles (degrees) at which it was found, in the diffractometer's order (tth, th, chi, phi …). */
  angles: number[];
  /** Å. */
  wavelength: number;
}

/** What `#G1` holds on a four-circle geometry (when it has the expected layout). */
export interface SpecLattice {
  /** a, b, c (Å), α, β, γ (degrees). */
  cell: [number, number, number, number, number, number];
  /** a*, b*, c* (Å⁻¹ WITH 2π, as SPEC writes them), α*, β*, γ* (degrees). */
  reciprocalCell: [number, number, number, number, number, number];
  reflections: [SpecReflection, SpecReflection];
}

export interface SpecScan {
  /** The `#S` number (scan numbers may repeat in a file; `index` tells them apart). */
  number: number;
  /** Position of the scan in the file, 0-based. */
  index: number;
  /** Everything after the number on the `#S` line, e.g. 'ascan  th 19.022 19.222  60 -20000'. */
  command: string;
  /** Line (1-based) of the `#S` line. */
  line: number;
  /** Index of the header block in effect. */
  headerIndex: number;
  /** `#D` as written. */
  date?: string;
  /** `#T` (count time) — set when the scan counted against time. */
  countTime?: SpecCount;
  /** `#M` (monitor counts) — set when the scan counted against a monitor. */
  monitor?: SpecCount;
  /** `#G0` … `#G4` (and any other `#Gn`): the numbers as written. */
  geometry: Record<string, number[]>;
  /** `#G1` decoded, when its length fits the four-circle layout (6 + 6 + 6 + 2·n angles + 2). */
  lattice?: SpecLattice;
  /** `#G3` as a 3×3 matrix (rows), Å⁻¹ with 2π. */
  ub?: [[number, number, number], [number, number, number], [number, number, number]];
  /** `#Q`. */
  q?: number[];
  /** `#P` values by motor name (the header's `#O` names; unnamed positions are dropped). */
  positions: Record<string, number>;
  /** `#P0`, `#P1`, … values line by line. */
  positionLines: number[][];
  /** `#N`, if given. */
  columnCount?: number;
  /** `#L` labels. */
  labels: string[];
  /** Data rows (each as long as `labels`; a short row, e.g. of an aborted scan, is dropped). */
  rows: number[][];
  /** Rows that were dropped because they had the wrong number of values (line numbers). */
  droppedRows: number[];
  comments: string[];
  /** Other control lines: key (e.g. 'V0', 'U', 'X') → the rest of each line. */
  extra: Record<string, string[]>;
}

export interface SpecFile {
  headers: SpecHeader[];
  scans: SpecScan[];
}

export interface ParseSpecOptions {
  /** File name for error messages. */
  file?: string;
}

const TWO_SPACES = /\s{2,}/;

function fail(message: string, file: string | undefined, line?: number): NxrError {
  return new NxrError({
    code: 'BAD_PARAMETER',
    message: line !== undefined ? `line ${line}: ${message}` : message,
    ...(file !== undefined ? { file } : {}),
  });
}

/** SPEC writes 'nan', 'inf', '-inf' for non-finite values; Number() wants 'NaN', 'Infinity'. */
function parseNumber(token: string): number {
  const v = Number(token);
  if (!Number.isNaN(v)) return v;
  const t = token.toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

function isNumberToken(token: string): boolean {
  return !Number.isNaN(Number(token)) || /^[+-]?(nan|inf|infinity)$/i.test(token);
}

function numbers(text: string, file: string | undefined, line: number, what: string): number[] {
  const tokens = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  const bad = tokens.find((t) => !isNumberToken(t));
  if (bad !== undefined) throw fail(`${what}: '${bad}' is not a number`, file, line);
  return tokens.map(parseNumber);
}

/** Names separated by two or more spaces (motor names, column labels). */
export function splitSpecNames(text: string): string[] {
  return text
    .trim()
    .split(TWO_SPACES)
    .filter((s) => s !== '');
}

function parseCount(text: string, file: string | undefined, line: number, key: string): SpecCount {
  const m = /^\s*(\S+)\s*(?:\((.*)\))?\s*$/.exec(text);
  if (!m || !isNumberToken(m[1]!)) throw fail(`#${key}: expected "value  (unit)", got '${text}'`, file, line);
  const out: SpecCount = { value: parseNumber(m[1]!) };
  if (m[2] !== undefined) out.unit = m[2].trim();
  return out;
}

function decodeLattice(g1: number[]): SpecLattice | undefined {
  const n = g1.length - 20;
  if (n < 2 || n % 2 !== 0) return undefined;
  const k = n / 2;
  const six = (i: number): [number, number, number, number, number, number] =>
    g1.slice(i, i + 6) as [number, number, number, number, number, number];
  const hkl = (i: number): [number, number, number] => g1.slice(i, i + 3) as [number, number, number];
  return {
    cell: six(0),
    reciprocalCell: six(6),
    reflections: [
      { hkl: hkl(12), angles: g1.slice(18, 18 + k), wavelength: g1[18 + 2 * k]! },
      { hkl: hkl(15), angles: g1.slice(18 + k, 18 + 2 * k), wavelength: g1[19 + 2 * k]! },
    ],
  };
}

function newHeader(line: number): SpecHeader {
  return { line, comments: [], motorNames: [], motorLines: [], userHeaderLines: [] };
}

/** Control-line key and rest: '#G3 1 2 3' → ['G3', '1 2 3']; '#L a  b' → ['L', 'a  b']. */
function splitControl(text: string): [string, string] {
  const m = /^#(\S+)(?:\s(.*))?$/.exec(text);
  return m ? [m[1]!, m[2] ?? ''] : ['', ''];
}

/** Parse a SPEC data file. Throws NxrError BAD_PARAMETER (file, line) on malformed numbers. */
export function parseSpecFile(text: string, options: ParseSpecOptions = {}): SpecFile {
  const file = options.file;
  const lines = text.split(/\r\n|\r|\n/);
  const headers: SpecHeader[] = [];
  const scans: SpecScan[] = [];
  let header: SpecHeader | undefined;
  let scan: SpecScan | undefined;
  let inMca = false;

  const currentHeader = (lineNo: number): SpecHeader => {
    if (!header) {
      header = newHeader(lineNo);
      headers.push(header);
    }
    return header;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const text = raw.trimEnd();
    if (inMca) {
      inMca = text.endsWith('\\');
      continue;
    }
    if (text.trim() === '') continue;
    if (text.startsWith('@')) {
      // MCA data (@A …), possibly continued with a trailing backslash
      inMca = text.endsWith('\\');
      continue;
    }
    if (!text.startsWith('#')) {
      if (!scan) throw fail(`data outside a scan: '${text.slice(0, 60)}'`, file, lineNo);
      const tokens = text.trim().split(/\s+/);
      if (!tokens.every(isNumberToken))
        throw fail(`data row: '${tokens.find((t) => !isNumberToken(t))!}' is not a number`, file, lineNo);
      if (scan.labels.length > 0 && tokens.length !== scan.labels.length) {
        scan.droppedRows.push(lineNo);
        continue;
      }
      scan.rows.push(tokens.map(parseNumber));
      continue;
    }
    const [key, rest] = splitControl(text);
    if (key === 'S') {
      const m = /^\s*(\d+)\s*(.*)$/.exec(rest);
      if (!m) throw fail(`#S: expected a scan number, got '${rest}'`, file, lineNo);
      const h = currentHeader(lineNo);
      scan = {
        number: Number(m[1]),
        index: scans.length,
        command: m[2]!.trim(),
        line: lineNo,
        headerIndex: headers.indexOf(h),
        geometry: {},
        positions: {},
        positionLines: [],
        labels: [],
        rows: [],
        droppedRows: [],
        comments: [],
        extra: {},
      };
      scans.push(scan);
      continue;
    }
    if (key === 'F' || key === 'E') {
      // a new header block, unless this line completes the one being read (#F then #E)
      const startsNew =
        !header ||
        scan !== undefined ||
        header.epoch !== undefined ||
        (key === 'F' && header.fileName !== undefined);
      if (startsNew) {
        header = newHeader(lineNo);
        headers.push(header);
      }
      scan = undefined;
      const h = currentHeader(lineNo);
      if (key === 'F') h.fileName = rest.trim();
      else {
        const v = numbers(rest, file, lineNo, '#E');
        if (v.length !== 1) throw fail(`#E: expected one number, got '${rest}'`, file, lineNo);
        h.epoch = v[0]!;
      }
      continue;
    }
    if (!scan) {
      // header block lines
      const h = currentHeader(lineNo);
      if (key === 'D') h.date = rest.trim();
      else if (key === 'C') h.comments.push(rest.trim());
      else if (/^O\d+$/.test(key)) {
        const names = splitSpecNames(rest);
        h.motorLines[Number(key.slice(1))] = names;
        h.motorNames = h.motorLines.flatMap((l) => l ?? []);
      } else if (/^H\d+$/.test(key)) h.userHeaderLines[Number(key.slice(1))] = splitSpecNames(rest);
      // other header keys (#J counters, #o mnemonics, #U …) are not needed
      continue;
    }
    // scan control lines
    if (key === 'D') scan.date = rest.trim();
    else if (key === 'T') scan.countTime = parseCount(rest, file, lineNo, 'T');
    else if (key === 'M') scan.monitor = parseCount(rest, file, lineNo, 'M');
    else if (key === 'C') scan.comments.push(rest.trim());
    else if (key === 'Q') scan.q = numbers(rest, file, lineNo, '#Q');
    else if (key === 'N') {
      const v = numbers(rest, file, lineNo, '#N');
      if (v.length < 1 || !Number.isInteger(v[0]) || v[0]! < 0)
        throw fail(`#N: expected a column count, got '${rest}'`, file, lineNo);
      scan.columnCount = v[0]!;
    } else if (key === 'L') {
      scan.labels = splitSpecNames(rest);
      if (scan.columnCount !== undefined && scan.labels.length !== scan.columnCount) {
        throw fail(
          `#L has ${scan.labels.length} labels but #N says ${scan.columnCount} columns`,
          file,
          lineNo,
        );
      }
    } else if (/^G\d+$/.test(key)) {
      const g = numbers(rest, file, lineNo, `#${key}`);
      scan.geometry[key] = g;
      if (key === 'G1') {
        const lattice = decodeLattice(g);
        if (lattice) scan.lattice = lattice;
      } else if (key === 'G3') {
        if (g.length < 9) throw fail(`#G3: expected 9 UB elements, got ${g.length}`, file, lineNo);
        scan.ub = [
          [g[0]!, g[1]!, g[2]!],
          [g[3]!, g[4]!, g[5]!],
          [g[6]!, g[7]!, g[8]!],
        ];
      }
    } else if (/^P\d+$/.test(key)) {
      const idx = Number(key.slice(1));
      const values = numbers(rest, file, lineNo, `#${key}`);
      scan.positionLines[idx] = values;
      const names = headers[scan.headerIndex]?.motorLines[idx] ?? [];
      names.forEach((name, j) => {
        if (j < values.length) scan!.positions[name] = values[j]!;
      });
    } else {
      (scan.extra[key] ??= []).push(rest);
    }
  }
  if (scans.length === 0 && headers.every((h) => h.fileName === undefined && h.epoch === undefined)) {
    throw fail('not a SPEC data file (no #F, #E or #S lines)', file);
  }
  return { headers, scans };
}

/** The scan with number `n` (the last one when the number repeats, as SPEC readers do by default). */
export function findSpecScan(spec: SpecFile, n: number): SpecScan | undefined {
  for (let i = spec.scans.length - 1; i >= 0; i--) if (spec.scans[i]!.number === n) return spec.scans[i];
  return undefined;
}

/** The values of column `label` (undefined when the scan has no such column). */
export function specColumn(scan: SpecScan, label: string): number[] | undefined {
  const j = scan.labels.indexOf(label);
  return j < 0 ? undefined : scan.rows.map((r) => r[j]!);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A SPEC date ('Wed Jun 16 18:27:39 2010', C `ctime` format, local time of the beamline) as ISO
 * 8601 without a time zone ('2010-06-16T18:27:39'), as spec2nexus converts it. Undefined when the
 * text is not in that format.
 */
export function specDateToIso(date: string): string | undefined {
  const m = /^\s*\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})\s*$/.exec(date);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  const two = (s: string): string => s.padStart(2, '0');
  return `${m[6]}-${two(String(month + 1))}-${two(m[2]!)}T${two(m[3]!)}:${m[4]}:${m[5]}`;
}
