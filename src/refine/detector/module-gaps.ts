/**
 * Module layouts of DECTRIS hybrid-pixel detectors: rectangular modules separated by insensitive
 * gaps, which detector images fill with −1 (CBF) and NXRefine masks through pyFAI's detector mask.
 *
 * - Pilatus / Pilatus3: modules of 487 × 195 pixels, gaps of 7 pixels along x (columns) and 17
 *   along y (rows). Pilatus 100K = 1 × 1 module (487 × 195), 300K = 1 × 3 (487 × 619),
 *   1M = 2 × 5 (981 × 1043), 2M = 3 × 8 (1475 × 1679), 6M = 5 × 12 (2463 × 2527).
 * - Eiger: modules of 1030 × 514, gaps 10 (x) and 37 (y).
 * - Eiger2: modules of 1028 × 512, gaps 12 (x) and 38 (y).
 * - Pilatus4: modules of 513 × 255, gaps 7 (x) and 20 (y).
 * - CdTe sensors (Pilatus CdTe, Eiger2 CdTe) also lose a few columns in the middle of every module
 *   where the two sensor halves meet (`innerGapColumns`).
 *
 * The figures are pyFAI's (`pyFAI/detectors/_dectris.py`, MODULE_SIZE / MODULE_GAP, `calc_mask`);
 * the Pilatus, Pilatus3, Eiger and Eiger2 ones are checked against real frames and a DECTRIS master
 * file in test/refine/detector/module-gaps.test.ts. Chip boundaries inside a module (Eiger's 2-pixel
 * interpolated rows and columns) are sensitive pixels and are not masked, as in pyFAI and in the
 * real frames.
 */
export interface ModuleLayout {
  moduleWidth: number; // px along x
  moduleHeight: number; // px along y
  gapX: number; // px between modules along x
  gapY: number; // px between modules along y
  /** Columns inside every module (0 = the module's first column) that are insensitive too. */
  innerGapColumns?: readonly number[];
}

export const PILATUS_LAYOUT: ModuleLayout = { moduleWidth: 487, moduleHeight: 195, gapX: 7, gapY: 17 };

/** Pilatus CdTe: pyFAI masks 3 columns in the middle of each module (487 // 2 − 1 … + 1). */
export const PILATUS_CDTE_LAYOUT: ModuleLayout = { ...PILATUS_LAYOUT, innerGapColumns: [242, 243, 244] };

export const EIGER_LAYOUT: ModuleLayout = { moduleWidth: 1030, moduleHeight: 514, gapX: 10, gapY: 37 };

export const EIGER2_LAYOUT: ModuleLayout = { moduleWidth: 1028, moduleHeight: 512, gapX: 12, gapY: 38 };

/** Eiger2 CdTe: pyFAI masks 2 columns in the middle of each module (1028 // 2 − 1, 1028 // 2). */
export const EIGER2_CDTE_LAYOUT: ModuleLayout = { ...EIGER2_LAYOUT, innerGapColumns: [513, 514] };

export const PILATUS4_LAYOUT: ModuleLayout = { moduleWidth: 513, moduleHeight: 255, gapX: 7, gapY: 20 };

/** Number of modules [rows, columns] tiling `shape` [ny, nx], or null if the layout does not tile it. */
export function moduleGrid(
  shape: readonly [number, number],
  layout: ModuleLayout = PILATUS_LAYOUT,
): [number, number] | null {
  const [ny, nx] = shape;
  const nmx = (nx + layout.gapX) / (layout.moduleWidth + layout.gapX);
  const nmy = (ny + layout.gapY) / (layout.moduleHeight + layout.gapY);
  return Number.isInteger(nmx) && Number.isInteger(nmy) && nmx >= 1 && nmy >= 1 ? [nmy, nmx] : null;
}

/** Detector shape [ny, nx] of `rows` × `columns` modules. */
export function moduleGridShape(layout: ModuleLayout, rows: number, columns: number): [number, number] {
  return [
    rows * layout.moduleHeight + (rows - 1) * layout.gapY,
    columns * layout.moduleWidth + (columns - 1) * layout.gapX,
  ];
}

/** Whether a detector of `shape` [ny, nx] is tiled exactly by modules of `layout`. */
export function fitsModuleLayout(
  shape: readonly [number, number],
  layout: ModuleLayout = PILATUS_LAYOUT,
): boolean {
  return moduleGrid(shape, layout) !== null;
}

/**
 * Mask (1 = gap, 0 = sensitive) of the inter-module gaps (and the layout's inner gap columns),
 * row-major [ny, nx].
 * @throws Error if the shape is not tiled by the layout.
 */
export function computeModuleGapMask(
  shape: readonly [number, number],
  layout: ModuleLayout = PILATUS_LAYOUT,
): Uint8Array {
  const [ny, nx] = shape;
  if (!fitsModuleLayout(shape, layout)) {
    throw new Error(
      `detector shape [${ny}, ${nx}] is not a whole number of ${layout.moduleWidth}×${layout.moduleHeight} modules`,
    );
  }
  const px = layout.moduleWidth + layout.gapX;
  const py = layout.moduleHeight + layout.gapY;
  const inner = new Set(layout.innerGapColumns ?? []);
  // One row pattern for the module rows, then whole gap rows.
  const row = new Uint8Array(nx);
  for (let x = 0; x < nx; x++) {
    const c = x % px;
    if (c >= layout.moduleWidth || inner.has(c)) row[x] = 1;
  }
  const mask = new Uint8Array(ny * nx);
  for (let y = 0; y < ny; y++) {
    if (y % py >= layout.moduleHeight) mask.fill(1, y * nx, (y + 1) * nx);
    else mask.set(row, y * nx);
  }
  return mask;
}
