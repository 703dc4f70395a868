/**
 * A NeXus file's content as plain data: groups, fields, NeXus links and external links in the
 * order they are written. The experiment core describes configuration and scan files this way;
 * the engine writes a plan with its NeXus writer (src/engine/experiment/write-plan.ts).
 */

/** Element types ('string' = variable-length UTF-8), as the engine's writer names them. */
export type PlanDtype =
  '<f8' | '<f4' | '<i1' | '<u1' | '<i2' | '<u2' | '<i4' | '<u4' | '<i8' | '<u8' | 'string';

export type PlanTypedArray =
  Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

export type PlanValue = string | number | boolean | string[] | number[] | PlanTypedArray;

export type PlanNode =
  | { kind: 'group'; path: string; nxClass: string; attrs?: Record<string, PlanValue> }
  | {
      kind: 'field';
      path: string;
      value: PlanValue;
      dtype?: PlanDtype;
      /** Shape of a multi-dimensional array (row-major data). */
      shape?: number[];
      units?: string;
      attrs?: Record<string, PlanValue>;
      /** gzip level: compress a numeric array (one chunk), e.g. a pixel mask. */
      gzip?: number;
    }
  /** A NeXus link (hard link + @target on the target), e.g. /f1/sample → /entry/sample. */
  | { kind: 'link'; path: string; target: string }
  /** An HDF5 external link; `file` relative to the linking file's directory. */
  | { kind: 'external'; path: string; file: string; target: string }
  /** Attributes added to an object written earlier (or copied). */
  | { kind: 'attrs'; path: string; attrs: Record<string, PlanValue> };

export const group = (path: string, nxClass: string, attrs?: Record<string, PlanValue>): PlanNode =>
  attrs !== undefined ? { kind: 'group', path, nxClass, attrs } : { kind: 'group', path, nxClass };

export function field(
  path: string,
  value: PlanValue,
  opts: {
    dtype?: PlanDtype;
    shape?: number[];
    units?: string;
    attrs?: Record<string, PlanValue>;
    gzip?: number;
  } = {},
): PlanNode {
  return { kind: 'field', path, value, ...opts };
}

/** Integers 0 … n−1 as int32 (NXRefine's frame_number, x_pixel, y_pixel). */
export function int32Range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
