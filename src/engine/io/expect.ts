/** Shape/dtype checks that turn a surprise in a file into a clear WRONG_SHAPE / WRONG_DTYPE error. */
import { formatShape } from '../../nexus/model/dtype.ts';
import type { NxNode } from '../../nexus/model/types.ts';
import { NxrError } from '../../shared/errors.ts';

/**
 * Throw WRONG_SHAPE unless the dataset's shape matches `expected`; null entries match any size.
 * @example expectShape(node, [null, null, null], file) // any 3-D stack
 */
export function expectShape(node: NxNode, expected: readonly (number | null)[], file?: string): number[] {
  const shape = node.shape;
  const ok =
    node.kind === 'dataset' &&
    shape !== null &&
    shape !== undefined &&
    shape.length === expected.length &&
    expected.every((e, i) => e === null || e === shape[i]);
  if (!ok) {
    const want = `(${expected.map((e) => (e === null ? 'n' : String(e))).join(', ')})`;
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `expected shape ${want}, found ${node.kind === 'dataset' ? formatShape(shape) : node.kind}`,
      path: node.path,
      ...(file !== undefined ? { file } : {}),
    });
  }
  return shape;
}

/** Throw WRONG_DTYPE unless the dataset's dtype is one of `allowed` ('<f8', 'string', …). */
export function expectDtype(node: NxNode, allowed: readonly string[], file?: string): string {
  const dt = node.dtype;
  if (node.kind !== 'dataset' || dt === undefined || !allowed.includes(dt)) {
    throw new NxrError({
      code: 'WRONG_DTYPE',
      message: `expected dtype ${allowed.join(' or ')}, found ${dt ?? node.kind}`,
      path: node.path,
      ...(file !== undefined ? { file } : {}),
    });
  }
  return dt;
}

/** Throw WRONG_DTYPE unless the dataset holds integers or floats. */
export function expectNumeric(node: NxNode, file?: string): string {
  const c = node.type?.class;
  if (node.kind !== 'dataset' || (c !== 'integer' && c !== 'float')) {
    throw new NxrError({
      code: 'WRONG_DTYPE',
      message: `expected numbers, found ${node.dtype ?? node.kind}`,
      path: node.path,
      ...(file !== undefined ? { file } : {}),
    });
  }
  return node.dtype!;
}
