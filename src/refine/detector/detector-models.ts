/**
 * DECTRIS detector models with their module layouts, named as pyFAI names them (NXRefine stores
 * the pyFAI detector name in `instrument/detector/description`, spec §3.1), and the choice of a
 * model for a detector from its description and its shape.
 */
import {
  EIGER2_CDTE_LAYOUT,
  EIGER2_LAYOUT,
  EIGER_LAYOUT,
  PILATUS4_LAYOUT,
  PILATUS_CDTE_LAYOUT,
  PILATUS_LAYOUT,
  moduleGrid,
  moduleGridShape,
  type ModuleLayout,
} from './module-gaps.ts';

export type DetectorFamily = 'Pilatus' | 'Eiger' | 'Eiger2' | 'Pilatus4';

export interface DetectorModel {
  /** pyFAI's name, e.g. 'Pilatus CdTe 2M', 'Eiger2 16M'. */
  name: string;
  family: DetectorFamily;
  /** CdTe sensor (extra gap columns in the middle of every module). */
  cdte: boolean;
  layout: ModuleLayout;
  /** Modules [rows, columns]. */
  modules: readonly [number, number];
  /** Detector shape [ny, nx] in pixels. */
  shape: readonly [number, number];
}

/** Size token of a model name, lower case: '100k', '300kw', '1m', '1mw', '16m' … */
type Size = string;

const FAMILY_LAYOUT: Record<DetectorFamily, { si: ModuleLayout; cdte?: ModuleLayout }> = {
  Pilatus: { si: PILATUS_LAYOUT, cdte: PILATUS_CDTE_LAYOUT },
  Eiger: { si: EIGER_LAYOUT },
  Eiger2: { si: EIGER2_LAYOUT, cdte: EIGER2_CDTE_LAYOUT },
  Pilatus4: { si: PILATUS4_LAYOUT },
};

/** [display size, rows, columns, silicon model?, CdTe model?] per family (pyFAI's MAX_SHAPE lists). */
const MODEL_GRID: Record<DetectorFamily, Array<[string, number, number, boolean, boolean]>> = {
  Pilatus: [
    ['100k', 1, 1, true, false],
    ['200k', 2, 1, true, false],
    ['300k', 3, 1, true, true],
    ['300kw', 1, 3, true, true],
    ['900k', 3, 3, true, false],
    ['900kw', 1, 9, false, true],
    ['1M', 5, 2, true, true],
    ['2M', 8, 3, true, true],
    ['6M', 12, 5, true, false],
    // Diamond I23's curved Pilatus 12M, flattened into one image (not in pyFAI)
    ['12M', 24, 5, true, false],
  ],
  Eiger: [
    ['500k', 1, 1, true, false],
    ['1M', 2, 1, true, false],
    ['4M', 4, 2, true, false],
    ['9M', 6, 3, true, false],
    ['16M', 8, 4, true, false],
  ],
  Eiger2: [
    ['500k', 1, 1, true, true],
    ['1M', 2, 1, true, true],
    ['1M-W', 1, 2, true, true],
    ['2M-W', 1, 4, true, true],
    ['4M', 4, 2, true, true],
    ['9M', 6, 3, true, true],
    ['16M', 8, 4, true, true],
  ],
  Pilatus4: [
    ['260k', 2, 1, true, false],
    ['260kw', 1, 2, true, false],
    ['1M', 4, 2, true, false],
    ['2M', 6, 3, true, false],
    ['4M', 8, 4, true, false],
  ],
};

function buildModels(): DetectorModel[] {
  const out: DetectorModel[] = [];
  for (const family of Object.keys(MODEL_GRID) as DetectorFamily[]) {
    for (const [size, rows, cols, si, cdte] of MODEL_GRID[family]) {
      const layouts = FAMILY_LAYOUT[family];
      for (const isCdte of [false, true]) {
        if (isCdte ? !cdte : !si) continue;
        const layout = isCdte ? layouts.cdte! : layouts.si;
        const name = isCdte ? `${family} CdTe ${size}` : `${family} ${size}`;
        out.push({
          name,
          family,
          cdte: isCdte,
          layout,
          modules: [rows, cols],
          shape: moduleGridShape(layout, rows, cols),
        });
      }
    }
  }
  return out;
}

/** Every model, Pilatus first. Pilatus3 detectors share the Pilatus models. */
export const DETECTOR_MODELS: readonly DetectorModel[] = Object.freeze(buildModels());

interface ParsedName {
  family: DetectorFamily;
  cdte: boolean;
  size: Size | null;
}

/**
 * Reads a detector name as pyFAI, DECTRIS headers and NXRefine write it: 'Pilatus CdTe 2M',
 * 'PILATUS3 6M, S/N 60-0126', 'PILATUS3 X CdTe 300K-W', 'Eiger2 1M-W', 'EIGER2 XE 16M',
 * 'Pilatus 2M CdTe', 'Pilatus300kw'. Null when no Pilatus/Eiger family is named.
 */
export function parseDetectorName(text: string): ParsedName | null {
  const lower = text.toLowerCase().split(/s\/n/)[0]!;
  // split glued names: 'pilatus300kw' → 'pilatus 300kw', 'eiger2_16m' → 'eiger2 16m'
  const tokens = lower
    .replace(/(pilatus[34]?|eiger2?)(?=[1-9]\d*(\.\d+)?[km])/g, '$1 ')
    .replace(/cdte/g, ' cdte ')
    .split(/[^a-z0-9.]+/)
    .filter((t) => t !== '');
  let family: DetectorFamily | null = null;
  let cdte = false;
  let size: Size | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (family === null) {
      if (t === 'pilatus' || t === 'pilatus3') family = 'Pilatus';
      else if (t === 'pilatus4') family = 'Pilatus4';
      else if (t === 'eiger') family = 'Eiger';
      else if (t === 'eiger2') family = 'Eiger2';
      if (family !== null) continue;
    }
    if (t === 'cdte') cdte = true;
    else if (size === null && /^\d+(\.\d+)?[km]w?$/.test(t)) {
      size = t;
      const next = tokens[i + 1];
      if (!t.endsWith('w') && (next === 'w' || next === 'wide')) size = `${t}w`;
    }
  }
  return family === null ? null : { family, cdte, size };
}

function sizeKey(displaySize: string): Size {
  return displaySize.toLowerCase().replace(/-/g, '');
}

/** The model a name denotes (any spelling {@link parseDetectorName} reads), or undefined. */
export function findDetectorModel(name: string): DetectorModel | undefined {
  const p = parseDetectorName(name);
  if (p === null || p.size === null) return undefined;
  return DETECTOR_MODELS.find(
    (m) => m.family === p.family && m.cdte === p.cdte && sizeKey(m.name.split(' ').pop()!) === p.size,
  );
}

/** Models of exactly this shape [ny, nx] (a silicon and a CdTe model may share one). */
export function detectorModelsForShape(shape: readonly [number, number]): DetectorModel[] {
  return DETECTOR_MODELS.filter((m) => m.shape[0] === shape[0] && m.shape[1] === shape[1]);
}

/** How {@link resolveDetectorLayout} chose the layout. */
export type LayoutSource = 'model' | 'description' | 'shape' | 'tiling';

export interface ResolvedLayout {
  layout: ModuleLayout;
  /** The model, when one of {@link DETECTOR_MODELS} was chosen. */
  model?: DetectorModel;
  /** A family whose modules tile the shape (a size pyFAI does not list, e.g. custom assemblies). */
  family: DetectorFamily;
  source: LayoutSource;
  /** Why the description was not followed (shape mismatch), for a warning. */
  note?: string;
}

/**
 * The module layout of a detector of `shape` [ny, nx]:
 * 1. the named model (`model`, e.g. from the user) — it must have this shape (else null with a note
 *    would hide a mistake, so this throws);
 * 2. else the model named by `description` (the file's detector/description) if it has this shape;
 * 3. else the model of this shape (CdTe only if the description says CdTe);
 * 4. else a family whose modules tile the shape (Pilatus, Eiger2, Eiger, Pilatus4, in that order);
 * null when nothing fits (not a DECTRIS module detector).
 * @throws Error when `model` is unknown or has another shape.
 */
export function resolveDetectorLayout(
  shape: readonly [number, number],
  options: { model?: string; description?: string } = {},
): ResolvedLayout | null {
  const [ny, nx] = shape;
  if (options.model !== undefined) {
    const m = findDetectorModel(options.model);
    if (m === undefined) throw new Error(`unknown detector model '${options.model}'`);
    if (m.shape[0] !== ny || m.shape[1] !== nx)
      throw new Error(
        `${m.name} is ${m.shape[0]} × ${m.shape[1]} pixels (ny × nx), the detector ${ny} × ${nx}`,
      );
    return { layout: m.layout, model: m, family: m.family, source: 'model' };
  }
  let note: string | undefined;
  if (options.description !== undefined) {
    const m = findDetectorModel(options.description);
    if (m !== undefined) {
      if (m.shape[0] === ny && m.shape[1] === nx)
        return { layout: m.layout, model: m, family: m.family, source: 'description' };
      note = `the description '${options.description}' names ${m.name} (${m.shape[0]} × ${m.shape[1]}), but the detector is ${ny} × ${nx}: layout chosen by shape`;
    }
  }
  const byShape = detectorModelsForShape(shape);
  if (byShape.length > 0) {
    const cdte = /cdte/i.test(options.description ?? '');
    const m = byShape.find((x) => x.cdte === cdte) ?? byShape.find((x) => !x.cdte) ?? byShape[0]!;
    return { layout: m.layout, model: m, family: m.family, source: 'shape', ...(note ? { note } : {}) };
  }
  for (const family of ['Pilatus', 'Eiger2', 'Eiger', 'Pilatus4'] as const) {
    const fl = FAMILY_LAYOUT[family];
    const layout = /cdte/i.test(options.description ?? '') && fl.cdte ? fl.cdte : fl.si;
    if (moduleGrid(shape, layout) !== null)
      return { layout, family, source: 'tiling', ...(note ? { note } : {}) };
  }
  return null;
}
