/**
 * The pure part of Create Mask's editor: shapes as plotly draws them and back after a drag, the
 * numbers typed for a shape, where a new shape goes, and the mask shown while editing — built
 * here from the preview's layers exactly as the engine builds the saved one
 * (src/refine/mask/detector-mask.ts), so the counts agree with what Save writes.
 */
import { resolveDetectorLayout } from '../../refine/detector/detector-models.ts';
import { computeModuleGapMask } from '../../refine/detector/module-gaps.ts';
import { buildDetectorMask, type DetectorMask } from '../../refine/mask/detector-mask.ts';
import { checkMaskShape, type MaskShape, type MaskShapeMode } from '../../refine/mask/mask-shapes.ts';

export type ShapeType = MaskShape['type'];

/** A shape in the editor: the mask shape plus a stable id for React and plotly. */
export type EditorShape = MaskShape & { id: number };

const r1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * A new shape around `centre` [x, y] (NXRefine: a 100 × 100 rectangle or a circle of radius 50
 * around the beam centre), shrunk to fit a small detector.
 */
export function defaultShape(
  type: ShapeType,
  centre: readonly [number, number],
  shape: readonly [number, number],
  mode: MaskShapeMode,
  id: number,
): EditorShape {
  const half = Math.max(2, Math.min(50, Math.floor(Math.min(shape[0], shape[1]) / 8)));
  const [x, y] = [r1(centre[0]), r1(centre[1])];
  if (type === 'rectangle')
    return { id, type, x: x - half, y: y - half, width: 2 * half, height: 2 * half, mode };
  if (type === 'circle') return { id, type, x, y, radius: half, mode };
  return {
    id,
    type,
    points: [
      [x - half, y + half * 0.8],
      [x + half, y + half * 0.8],
      [x, y - half],
    ],
    mode,
  };
}

/** Plotly layout shape of an editor shape (data coordinates; the y axis runs downwards). */
export function toPlotlyShape(s: EditorShape, selected: boolean): Record<string, unknown> {
  const colour = s.mode === 'remove' ? '#00c2ff' : '#ffd60a';
  const common = {
    xref: 'x',
    yref: 'y',
    editable: true,
    line: { color: colour, width: selected ? 3 : 1.5, dash: s.mode === 'remove' ? 'dash' : 'solid' },
    fillcolor: colour,
    opacity: selected ? 0.35 : 0.2,
    name: `shape-${s.id}`,
  };
  if (s.type === 'rectangle')
    return { ...common, type: 'rect', x0: s.x, y0: s.y, x1: s.x + s.width, y1: s.y + s.height };
  if (s.type === 'circle')
    return {
      ...common,
      type: 'circle',
      x0: s.x - s.radius,
      y0: s.y - s.radius,
      x1: s.x + s.radius,
      y1: s.y + s.radius,
    };
  return { ...common, type: 'path', path: polygonPath(s.points) };
}

export function polygonPath(points: ReadonlyArray<readonly [number, number]>): string {
  return `M${points.map(([x, y]) => `${r1(x)},${r1(y)}`).join('L')}Z`;
}

/** The vertices of an SVG path of straight segments (M … L … Z), or null. */
export function parsePath(path: string): Array<[number, number]> | null {
  const nums = path.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/gi);
  if (!nums || nums.length < 6 || nums.length % 2 !== 0 || /[CQSTAHV]/i.test(path)) return null;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < nums.length; i += 2) out.push([Number(nums[i]), Number(nums[i + 1])]);
  return out;
}

/**
 * The shape after plotly moved or resized it: `update` is plotly's relayout data for this shape
 * (`x0`, `y0`, `x1`, `y1` or `path`, keys without the `shapes[i].` prefix). A circle pulled into an
 * ellipse becomes the circle of the mean radius.
 */
export function applyPlotlyEdit(s: EditorShape, update: Record<string, unknown>): EditorShape {
  const num = (k: string, fallback: number): number => {
    const v = update[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  };
  if (s.type === 'rectangle') {
    const x0 = num('x0', s.x);
    const y0 = num('y0', s.y);
    const x1 = num('x1', s.x + s.width);
    const y1 = num('y1', s.y + s.height);
    return {
      ...s,
      x: r1(Math.min(x0, x1)),
      y: r1(Math.min(y0, y1)),
      width: r1(Math.abs(x1 - x0)),
      height: r1(Math.abs(y1 - y0)),
    };
  }
  if (s.type === 'circle') {
    const x0 = num('x0', s.x - s.radius);
    const y0 = num('y0', s.y - s.radius);
    const x1 = num('x1', s.x + s.radius);
    const y1 = num('y1', s.y + s.radius);
    return {
      ...s,
      x: r1((x0 + x1) / 2),
      y: r1((y0 + y1) / 2),
      radius: r1((Math.abs(x1 - x0) + Math.abs(y1 - y0)) / 4),
    };
  }
  const p = typeof update.path === 'string' ? parsePath(update.path) : null;
  return p ? { ...s, points: p.map(([x, y]) => [r1(x), r1(y)] as [number, number]) } : s;
}

/**
 * Plotly relayout data → the edited shapes' updates by shape index: {'shapes[2].x0': 5, …} →
 * Map(2 → {x0: 5, …}).
 */
export function shapeEdits(relayout: Record<string, unknown>): Map<number, Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>();
  for (const [k, v] of Object.entries(relayout)) {
    const m = /^shapes\[(\d+)\]\.(x0|x1|y0|y1|path)$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const u = out.get(i) ?? {};
    u[m[2]!] = v;
    out.set(i, u);
  }
  return out;
}

/** 'x1,y1 x2,y2 …' (commas or spaces) → points; null when it is not ≥ 3 pairs of numbers. */
export function parsePoints(text: string): Array<[number, number]> | null {
  const nums = text
    .split(/[\s,;]+/)
    .filter((t) => t !== '')
    .map(Number);
  if (nums.length < 6 || nums.length % 2 !== 0 || nums.some((v) => !Number.isFinite(v))) return null;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < nums.length; i += 2) out.push([nums[i]!, nums[i + 1]!]);
  return out;
}

export function formatPoints(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y]) => `${x},${y}`).join(' ');
}

/** Problems of a shape as typed (null: fine). */
export function shapeProblem(s: MaskShape): string | null {
  return checkMaskShape(s);
}

/** Module gaps in the editor: off, automatic, or a model name. */
export type GapChoice = 'none' | 'auto' | string;

export interface MaskLayers {
  shape: [number, number];
  /** The preview's mask: current (unless not kept) ∪ imported. */
  base: Uint8Array;
  /** The reference image (calibration image or first frame), or null. */
  image: ArrayLike<number> | null;
  description: string | null;
}

/** The gap mask for a choice, or null (with why when a choice was made but nothing fits). */
export function gapMaskFor(
  layers: Pick<MaskLayers, 'shape' | 'description'>,
  gaps: GapChoice,
): { mask: Uint8Array | null; label: string } {
  if (gaps === 'none') return { mask: null, label: 'off' };
  try {
    const r = resolveDetectorLayout(layers.shape, {
      ...(gaps !== 'auto' ? { model: gaps } : {}),
      ...(layers.description !== null ? { description: layers.description } : {}),
    });
    if (r === null) return { mask: null, label: 'no Pilatus/Eiger layout fits this detector' };
    return {
      mask: computeModuleGapMask(layers.shape, r.layout),
      label: r.model ? `${r.model.name} (${r.source})` : `${r.family} modules (tiled)`,
    };
  } catch (e) {
    return { mask: null, label: (e as Error).message };
  }
}

/** The mask shown and saved: the engine's layering over the preview's layers. */
export function editorMask(
  layers: MaskLayers,
  gapMask: Uint8Array | null,
  negatives: boolean,
  shapes: readonly MaskShape[],
): DetectorMask {
  return buildDetectorMask({
    ny: layers.shape[0],
    nx: layers.shape[1],
    existing: layers.base,
    gaps: gapMask,
    reference: negatives ? layers.image : null,
    shapes: shapes.filter((s) => checkMaskShape(s) === null),
  });
}

/** Display binning: frame pixels per screen image pixel so the longer side is ≤ `maxSide`. */
export function displayBin(shape: readonly [number, number], maxSide = 2000): number {
  return Math.max(1, Math.ceil(Math.max(shape[0], shape[1]) / maxSide));
}

/**
 * RGBA bytes of the mask overlay at binning `bin` (an image pixel is masked when any pixel of its
 * bin is): `rgba` for masked pixels, transparent elsewhere.
 */
export function overlayPixels(
  mask: Uint8Array,
  shape: readonly [number, number],
  bin: number,
  rgba: readonly [number, number, number, number] = [255, 45, 85, 150],
): { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number } {
  const [ny, nx] = shape;
  const width = Math.ceil(nx / bin);
  const height = Math.ceil(ny / bin);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < ny; y++) {
    const row = y * nx;
    const oy = Math.floor(y / bin) * width;
    for (let x = 0; x < nx; x++) {
      if (mask[row + x] === 0) continue;
      const o = (oy + Math.floor(x / bin)) * 4;
      data[o] = rgba[0];
      data[o + 1] = rgba[1];
      data[o + 2] = rgba[2];
      data[o + 3] = rgba[3];
    }
  }
  return { data, width, height };
}
