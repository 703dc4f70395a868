/**
 * Module layout of DECTRIS Pilatus detectors: modules of 487 × 195 pixels separated by 7-pixel
 * gaps along x (columns) and 17-pixel gaps along y (rows). Pilatus 100K = 1 × 1 module
 * (487 × 195), 300K = 1 × 3 (487 × 619), 1M = 2 × 5 (981 × 1043), 2M = 3 × 8 (1475 × 1679),
 * 6M = 5 × 12 (2463 × 2527).
 */
export interface ModuleLayout {
  moduleWidth: number; // px along x
  moduleHeight: number; // px along y
  gapX: number; // px between modules along x
  gapY: number; // px between modules along y
}

export const PILATUS_LAYOUT: ModuleLayout = { moduleWidth: 487, moduleHeight: 195, gapX: 7, gapY: 17 };

/** Whether a detector of `shape` [ny, nx] is tiled exactly by modules of `layout`. */
export function fitsModuleLayout(
  shape: readonly [number, number],
  layout: ModuleLayout = PILATUS_LAYOUT,
): boolean {
  const [ny, nx] = shape;
  const nmx = (nx + layout.gapX) / (layout.moduleWidth + layout.gapX);
  const nmy = (ny + layout.gapY) / (layout.moduleHeight + layout.gapY);
  return Number.isInteger(nmx) && Number.isInteger(nmy) && nmx >= 1 && nmy >= 1;
}

/**
 * Mask (1 = gap, 0 = sensitive) of the inter-module gaps, row-major [ny, nx].
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
  const mask = new Uint8Array(ny * nx);
  const px = layout.moduleWidth + layout.gapX;
  const py = layout.moduleHeight + layout.gapY;
  for (let y = 0; y < ny; y++) {
    const rowGap = y % py >= layout.moduleHeight;
    for (let x = 0; x < nx; x++) {
      if (rowGap || x % px >= layout.moduleWidth) mask[y * nx + x] = 1;
    }
  }
  return mask;
}
