import { parseArgs } from 'node:util';

import {
  createMask,
  type CreateMaskResult,
  type NegativePixelSource,
} from '../../engine/jobs/create-mask.ts';
import type { MaskShape, MaskShapeMode } from '../../refine/mask/mask-shapes.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberListOption, type Command } from '../command.ts';

const usage = `usage: nxr mask FILE[:/fN] [options]

Experiment ▸ Create Mask: writes fN/instrument/detector/pixel_mask (int8, 1 = masked) =
  (the current mask, unless --replace) ∪ (--import IMAGE),
  then the shapes in the order given (--rect/--circle/--polygon mask the pixels whose centres are
  inside, --remove-… unmask them),
  then ∪ the module gaps (--gaps) ∪ the pixels < 0 of the calibration image or first frame.
Pixel (row i, column j) is centred at x = j, y = i; a rectangle x,y,w,h covers x ≤ j < x+w,
y ≤ i < y+h; a circle x,y,r covers (j−x)² + (i−y)² ≤ r². Prints the masked-pixel counts.

options:
  --entry fN               the entry (or FILE:/fN)
  --gaps MODEL|auto        mask the module gaps of a DECTRIS model ('Pilatus 2M', 'Eiger2 16M', …);
                           auto: from detector/description and the detector shape
  --rect X,Y,W,H           add a rectangle (repeatable; also --remove-rect)
  --circle X,Y,R           add a circle (repeatable; also --remove-circle)
  --polygon X1,Y1,X2,Y2,…  add a polygon, 3 points or more (repeatable; also --remove-polygon)
  --import IMAGE[:/path]   OR in a mask image: TIFF, PNG, EDF, CBF, or a 2-D dataset of an HDF5
                           file (default: its instrument/detector/pixel_mask); non-zero = masked
  --negatives SOURCE       auto | calibration | frame | none: whose pixels < 0 are masked   [auto]
                           (auto: instrument/calibration, else the first frame)
  --replace                start from an empty mask instead of the current pixel_mask
  --all-entries            also write the mask to the other entries ending in a digit
  --dry-run                compute and print the counts, write nothing
  --json                   print the result as JSON (without the mask itself)`;

const SHAPE_OPTIONS = [
  'rect',
  'circle',
  'polygon',
  'remove-rect',
  'remove-circle',
  'remove-polygon',
] as const;
type ShapeOption = (typeof SHAPE_OPTIONS)[number];

const OPTIONS = {
  entry: { type: 'string' },
  gaps: { type: 'string' },
  import: { type: 'string' },
  negatives: { type: 'string', default: 'auto' },
  replace: { type: 'boolean', default: false },
  'all-entries': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  ...Object.fromEntries(SHAPE_OPTIONS.map((o) => [o, { type: 'string', multiple: true }])),
} as const;

/** 'file.nxs:/f2' → ['file.nxs', 'f2']; a bare file gives no entry. */
function splitPathSuffix(arg: string): { file: string; inner?: string } {
  const m = /^(.*?):(\/.*)$/.exec(arg);
  return m && m[1] !== '' ? { file: m[1]!, inner: m[2]! } : { file: arg };
}

function shapeOf(option: ShapeOption, raw: string): MaskShape {
  const mode: MaskShapeMode = option.startsWith('remove-') ? 'remove' : 'add';
  const type = option.replace('remove-', '');
  if (type === 'rect') {
    const [x, y, width, height] = numberListOption(option, raw, 4)!;
    return { type: 'rectangle', x: x!, y: y!, width: width!, height: height!, mode };
  }
  if (type === 'circle') {
    const [x, y, radius] = numberListOption(option, raw, 3)!;
    return { type: 'circle', x: x!, y: y!, radius: radius!, mode };
  }
  const v = numberListOption(option, raw)!;
  if (v.length < 6 || v.length % 2 !== 0)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `--${option} needs x,y pairs for 3 points or more, got ${v.length} numbers`,
    });
  const points: Array<[number, number]> = [];
  for (let k = 0; k < v.length; k += 2) points.push([v[k]!, v[k + 1]!]);
  return { type: 'polygon', points, mode };
}

function describeShape(s: MaskShape): string {
  const verb = s.mode === 'remove' ? 'remove' : 'add';
  if (s.type === 'rectangle') return `${verb} rectangle ${s.x},${s.y},${s.width},${s.height}`;
  if (s.type === 'circle') return `${verb} circle ${s.x},${s.y},${s.radius}`;
  return `${verb} polygon of ${s.points.length} points`;
}

function report(r: CreateMaskResult, shapes: MaskShape[], out: (s: string) => void): void {
  const c = r.counts;
  const pct = (n: number): string => `${((100 * n) / c.pixels).toFixed(3)}%`;
  out(
    `${r.file} /${r.entry}: detector ${r.shape[0]} × ${r.shape[1]} (${c.pixels} pixels)${r.description ? `, ${r.description}` : ''}`,
  );
  const row = (label: string, n: number, note = ''): void =>
    out(`  ${label.padEnd(34)} ${String(n).padStart(10)}  ${pct(n).padStart(8)}${note ? `  ${note}` : ''}`);
  row('masked before', c.before);
  if (r.imported)
    row(`imported (${r.imported.format})`, c.imported, r.imported.file + (r.imported.path ?? ''));
  shapes.forEach((s, k) =>
    row(describeShape(s), c.shapes[k]!, s.mode === 'remove' ? 'unmasked' : 'newly masked'),
  );
  if (r.gaps.source !== 'none')
    row('module gaps', c.gaps, `${r.gaps.model ?? `${r.gaps.family} modules`} (${r.gaps.source})`);
  else if (r.gaps.note) out(`  module gaps: none (${r.gaps.note})`);
  if (r.reference !== 'none') row('negative counts', c.negative, r.referencePath ?? '');
  row('masked after', c.after);
  out(r.written ? `saved pixel_mask in ${r.entries.join(', ')}` : 'dry run: nothing written');
}

const command: Command = {
  summary: 'create the 2-D detector mask (pixel_mask): gaps, shapes, imported mask, negative pixels',
  usage,
  async run(argv, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: OPTIONS,
        allowPositionals: true,
        strict: true,
        tokens: true,
      });
    } catch (e) {
      throw new NxrError({ code: 'BAD_PARAMETER', message: e instanceof Error ? e.message : String(e) });
    }
    const { values, positionals, tokens } = parsed;
    if (positionals.length !== 1)
      throw new NxrError({ code: 'BAD_PARAMETER', message: 'give exactly one file (nxr mask FILE:/f1 …)' });
    const target = splitPathSuffix(positionals[0]!);
    const entry = values.entry ?? target.inner?.replace(/^\/+/, '');
    if (entry === undefined || entry === '')
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'say which entry: nxr mask FILE:/f1 or --entry f1',
      });
    if (
      values.entry !== undefined &&
      target.inner !== undefined &&
      target.inner.replace(/^\/+/, '') !== values.entry
    )
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `two entries given: ${target.inner} and --entry ${values.entry}`,
      });
    // shapes in the order they were given on the command line
    const shapes: MaskShape[] = [];
    for (const t of tokens) {
      if (t.kind === 'option' && (SHAPE_OPTIONS as readonly string[]).includes(t.name))
        shapes.push(shapeOf(t.name as ShapeOption, t.value ?? ''));
    }
    const negatives = values.negatives;
    if (!['auto', 'calibration', 'frame', 'none'].includes(negatives))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--negatives must be auto, calibration, frame or none, got '${negatives}'`,
      });
    const imp = values.import !== undefined ? splitPathSuffix(values.import) : undefined;
    const r = await createMask(
      {
        file: target.file,
        entry,
        shapes,
        negatives: negatives as NegativePixelSource,
        keepExisting: !values.replace,
        allEntries: values['all-entries'],
        write: !values['dry-run'],
        ...(values.gaps !== undefined ? { gaps: values.gaps } : {}),
        ...(imp ? { importFile: imp.file, ...(imp.inner ? { importPath: imp.inner } : {}) } : {}),
      },
      {
        signal: io.signal,
        onLog: (m, level) => (level === 'warn' && !values.json ? io.err(`warning: ${m}`) : undefined),
      },
    );
    if (values.json) {
      const { mask: _mask, image: _image, ...rest } = r;
      io.out(JSON.stringify({ ...rest, shapes }, null, 2));
      return 0;
    }
    report(r, shapes, io.out);
    return 0;
  },
};

export default command;
