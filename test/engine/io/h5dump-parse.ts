/**
 * A parser for `h5dump -e -A -p -w 0` output (-e: newlines and other control characters escaped) (HDF5 1.10 hdf5-tools), used as the independent ground
 * truth for the h5wasm reader: every object with its kind, dtype, dataspace, chunks, filter ids,
 * link targets and attribute values (string values as raw bytes, as h5dump prints them).
 */
import { execFileSync } from 'node:child_process';

export interface DumpType {
  /** Readable dtype in the app's notation ('<i4', '>f4', 'string', 'string[7]', 'compound', …). */
  dtype: string;
  /** Raw h5dump class word (H5T_STD_I32LE, H5T_STRING, …). */
  h5: string;
  /** Reference to a committed datatype instead of an inline type. */
  committed?: string;
}

export interface DumpAttr {
  name: string;
  type: DumpType;
  shape: number[] | null;
  /** Leaf values in order: strings as byte arrays, numbers as numbers, words as strings. */
  values: (Uint8Array | number | string)[];
}

export interface DumpObject {
  path: string;
  kind: 'group' | 'dataset' | 'datatype' | 'soft-link' | 'external-link' | 'hard-link';
  attrs: DumpAttr[];
  type?: DumpType;
  shape?: number[] | null;
  maxshape?: (number | null)[] | null;
  chunks?: number[] | null;
  filterIds?: number[];
  virtual?: { file: string; dataset: string }[];
  linkTarget?: string;
  linkFile?: string;
}

type Tok = { t: 'str'; v: Uint8Array } | { t: 'word'; v: string } | { t: 'sym'; v: string };

/** h5dump string escapes → bytes. Non-ASCII bytes come as sign-extended octal (\37777777665 = 0xB5). */
function unescapeBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      // the text was decoded as latin1: one char per byte
      out.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const n = s[i + 1]!;
    if (/[0-7]/.test(n)) {
      let j = i + 1;
      while (j < s.length && /[0-7]/.test(s[j]!)) j++;
      out.push(Number.parseInt(s.slice(i + 1, j), 8) & 0xff);
      i = j - 1;
      continue;
    }
    const map: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '"': 34, '\\': 92, "'": 39 };
    out.push(map[n] ?? n.charCodeAt(0));
    i++;
  }
  return Uint8Array.from(out);
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let raw = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\') {
          raw += text[j]! + text[j + 1]!;
          j += 2;
        } else raw += text[j++]!;
      }
      toks.push({ t: 'str', v: unescapeBytes(raw) });
      i = j + 1;
    } else if ('{}();,:[]/'.includes(c)) {
      toks.push({ t: 'sym', v: c });
      i++;
    } else {
      let j = i;
      while (j < n && !' \n\t\r"{}();,:[]/'.includes(text[j]!)) j++;
      toks.push({ t: 'word', v: text.slice(i, j) });
      i = j;
    }
  }
  return toks;
}

const INT_RE = /^H5T_STD_([IU])(8|16|32|64)(LE|BE)$/;
const FLOAT_RE = /^H5T_IEEE_F(32|64)(LE|BE)$/;

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new Error('unexpected end of h5dump output');
    return t;
  }
  isSym(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t?.t === 'sym' && t.v === v;
  }
  isWord(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t?.t === 'word' && t.v === v;
  }
  expectSym(v: string): void {
    const t = this.next();
    if (t.t !== 'sym' || t.v !== v) throw new Error(`expected '${v}', got ${JSON.stringify(t)}`);
  }
  word(): string {
    const t = this.next();
    if (t.t !== 'word') throw new Error(`expected a word, got ${JSON.stringify(t)}`);
    return t.v;
  }
  str(): string {
    const t = this.next();
    if (t.t !== 'str') throw new Error(`expected a string, got ${JSON.stringify(t)}`);
    return Buffer.from(t.v).toString('utf8');
  }
  /** Tokens of a balanced { … } block (the braces consumed, not returned). */
  block(): Tok[] {
    this.expectSym('{');
    const start = this.i;
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.t === 'sym' && t.v === '{') depth++;
      if (t.t === 'sym' && t.v === '}') depth--;
    }
    return this.toks.slice(start, this.i - 1);
  }

  /** A datatype: a word, optionally followed by a { … } block. */
  type(): DumpType {
    const t = this.peek()!;
    if (t.t === 'str') {
      return { dtype: 'committed', h5: 'committed', committed: this.str() };
    }
    const w = this.word();
    const body = this.isSym('{') ? this.block() : [];
    return { dtype: dtypeOf(w, body), h5: w };
  }

  dataspace(): { shape: number[] | null; maxshape: (number | null)[] | null } {
    const w = this.word();
    if (w === 'SCALAR') return { shape: [], maxshape: [] };
    if (w === 'NULL') return { shape: null, maxshape: null };
    const body = this.block();
    const groups: (number | null)[][] = [];
    let cur: (number | null)[] | null = null;
    for (const t of body) {
      if (t.t === 'sym' && t.v === '(') cur = [];
      else if (t.t === 'sym' && t.v === ')') {
        groups.push(cur!);
        cur = null;
      } else if (t.t === 'word' && cur) cur.push(t.v === 'H5S_UNLIMITED' ? null : Number(t.v));
    }
    return { shape: groups[0]!.map((x) => x!), maxshape: groups[1] ?? null };
  }

  dataValues(): (Uint8Array | number | string)[] {
    const body = this.block();
    const out: (Uint8Array | number | string)[] = [];
    for (let k = 0; k < body.length; k++) {
      const t = body[k]!;
      // index prefixes "(i,j):"
      if (t.t === 'sym' && t.v === '(') {
        let j = k + 1;
        while (j < body.length && !(body[j]!.t === 'sym' && (body[j] as { v: string }).v === ')')) j++;
        if (body[j + 1]?.t === 'sym' && (body[j + 1] as { v: string }).v === ':') {
          k = j + 1;
          continue;
        }
      }
      if (t.t === 'str') out.push(t.v);
      else if (t.t === 'word') {
        const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN, '-nan': NaN };
        const num = special[t.v.toLowerCase()] ?? Number(t.v);
        out.push(Number.isNaN(num) && !(t.v.toLowerCase() in special) ? t.v : num);
      }
    }
    return out;
  }

  attribute(): DumpAttr {
    const name = this.str();
    this.expectSym('{');
    const a: DumpAttr = { name, type: { dtype: '?', h5: '?' }, shape: [], values: [] };
    while (!this.isSym('}')) {
      const w = this.word();
      if (w === 'DATATYPE') a.type = this.type();
      else if (w === 'DATASPACE') a.shape = this.dataspace().shape;
      else if (w === 'DATA') a.values = this.dataValues();
      else if (this.isSym('{')) this.block();
    }
    this.expectSym('}');
    return a;
  }

  /** The body of a group/dataset after its name, appending objects to `out`. */
  object(kind: 'GROUP' | 'DATASET', path: string, out: DumpObject[]): void {
    this.expectSym('{');
    const obj: DumpObject = { path, kind: kind === 'GROUP' ? 'group' : 'dataset', attrs: [] };
    out.push(obj);
    while (!this.isSym('}')) {
      const w = this.word();
      const childPath = (name: string): string => (path === '/' ? `/${name}` : `${path}/${name}`);
      switch (w) {
        case 'HARDLINK':
          obj.kind = 'hard-link';
          obj.linkTarget = this.str();
          break;
        case 'ATTRIBUTE':
          obj.attrs.push(this.attribute());
          break;
        case 'DATATYPE': {
          if (kind === 'GROUP') {
            // committed datatype: DATATYPE "name" <type> ;  (attributes may follow)
            const name = this.str();
            const t = this.type();
            if (this.isSym(';')) this.next();
            const dt: DumpObject = { path: childPath(name), kind: 'datatype', attrs: [], type: t };
            out.push(dt);
            while (this.isWord('ATTRIBUTE')) {
              this.next();
              dt.attrs.push(this.attribute());
            }
          } else obj.type = this.type();
          break;
        }
        case 'DATASPACE': {
          const ds = this.dataspace();
          obj.shape = ds.shape;
          obj.maxshape = ds.maxshape;
          break;
        }
        case 'STORAGE_LAYOUT': {
          const body = this.block();
          obj.chunks = null;
          const ci = body.findIndex((t) => t.t === 'word' && t.v === 'CHUNKED');
          if (ci >= 0) {
            const dims: number[] = [];
            for (
              let k = ci + 2;
              k < body.length && !(body[k]!.t === 'sym' && (body[k] as { v: string }).v === ')');
              k++
            ) {
              const t = body[k]!;
              if (t.t === 'word') dims.push(Number(t.v));
            }
            obj.chunks = dims;
          }
          if (body.some((t) => t.t === 'word' && t.v === 'VIRTUAL')) {
            obj.virtual = [];
            for (let k = 0; k < body.length; k++) {
              const t = body[k]!;
              if (t.t === 'word' && t.v === 'FILE') {
                const f = body[k + 1] as { v: Uint8Array };
                const d = body[k + 3] as { v: Uint8Array };
                obj.virtual.push({ file: Buffer.from(f.v).toString(), dataset: Buffer.from(d.v).toString() });
              }
            }
          }
          break;
        }
        case 'FILTERS': {
          const body = this.block();
          const ids: number[] = [];
          for (let k = 0; k < body.length; k++) {
            const t = body[k]!;
            if (t.t !== 'word') continue;
            const nextW = body[k + 1]?.t === 'word' ? (body[k + 1] as { v: string }).v : '';
            if (t.v === 'COMPRESSION' && nextW === 'DEFLATE') ids.push(1);
            else if (t.v === 'PREPROCESSING' && nextW === 'SHUFFLE') ids.push(2);
            else if (t.v === 'CHECKSUM' && nextW === 'FLETCHER32') ids.push(3);
            else if (t.v === 'COMPRESSION' && nextW === 'SZIP') ids.push(4);
            else if (t.v === 'PREPROCESSING' && nextW === 'NBIT') ids.push(5);
            else if (nextW === 'SCALEOFFSET' && (t.v === 'PREPROCESSING' || t.v === 'COMPRESSION'))
              ids.push(6);
            else if (t.v === 'FILTER_ID') ids.push(Number(nextW));
          }
          obj.filterIds = ids;
          break;
        }
        case 'GROUP':
        case 'DATASET': {
          const name = this.str();
          this.object(w, childPath(name), out);
          break;
        }
        case 'SOFTLINK': {
          const name = this.str();
          const body = this.block();
          const target = body.find((t) => t.t === 'str') as { v: Uint8Array };
          out.push({
            path: childPath(name),
            kind: 'soft-link',
            attrs: [],
            linkTarget: Buffer.from(target.v).toString(),
          });
          break;
        }
        case 'EXTERNAL_LINK': {
          const name = this.str();
          const body = this.block();
          const strs = body.filter((t) => t.t === 'str') as { v: Uint8Array }[];
          out.push({
            path: childPath(name),
            kind: 'external-link',
            attrs: [],
            linkFile: Buffer.from(strs[0]!.v).toString(),
            linkTarget: Buffer.from(strs[1]!.v).toString(),
          });
          break;
        }
        default:
          // FILLVALUE, ALLOCATION_TIME, COMMENT, … : skip their block
          if (this.isSym('{')) this.block();
      }
    }
    this.expectSym('}');
  }
}

function dtypeOf(word: string, body: Tok[]): string {
  const im = INT_RE.exec(word);
  if (im) {
    const bytes = Number(im[2]) / 8;
    const endian = bytes === 1 ? '|' : im[3] === 'LE' ? '<' : '>';
    return `${endian}${im[1] === 'I' ? 'i' : 'u'}${bytes}`;
  }
  const fm = FLOAT_RE.exec(word);
  if (fm) return `${fm[2] === 'LE' ? '<' : '>'}f${Number(fm[1]) / 8}`;
  switch (word) {
    case 'H5T_STRING': {
      const k = body.findIndex((t) => t.t === 'word' && t.v === 'STRSIZE');
      const size = (body[k + 1] as { v: string }).v;
      return size === 'H5T_VARIABLE' ? 'string' : `string[${size}]`;
    }
    case 'H5T_COMPOUND':
      return 'compound';
    case 'H5T_ENUM': {
      const names = body.filter((t) => t.t === 'str').map((t) => Buffer.from(t.v as Uint8Array).toString());
      return names.length === 2 && names[0] === 'FALSE' && names[1] === 'TRUE' ? 'bool' : 'enum';
    }
    case 'H5T_ARRAY':
      return 'array';
    case 'H5T_VLEN':
      return 'vlen';
    case 'H5T_REFERENCE':
      return 'reference';
    case 'H5T_OPAQUE':
      return 'opaque';
    default:
      if (word.startsWith('H5T_STD_B')) return 'bitfield';
      return word;
  }
}

/** Parse `h5dump -e -A -p -w 0 <file>` into a flat list of objects in h5dump's order. */
export function h5dumpObjects(file: string): DumpObject[] {
  const text = execFileSync('h5dump', ['-e', '-A', '-p', '-w', '0', file], {
    maxBuffer: 512 * 2 ** 20,
    encoding: 'latin1',
  });
  // the bytes are re-read as latin1 so that no byte is lost before unescaping
  const toks = tokenize(text);
  const p = new Parser(toks);
  // HDF5 "file" { GROUP "/" { … } }
  if (p.word() !== 'HDF5') throw new Error('not h5dump output');
  p.str();
  p.expectSym('{');
  const out: DumpObject[] = [];
  if (p.word() !== 'GROUP') throw new Error('expected root GROUP');
  p.str();
  p.object('GROUP', '/', out);
  return out;
}
