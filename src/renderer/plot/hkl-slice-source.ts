/**
 * What an HKL slice view needs to know about a 3-D NXdata, read through the bridge: signal and
 * weights paths, shape, per dimension the axis (values, label, @scaling_factor), and @angles; and
 * the slab read (data:read { kind: 'slab' }, Σ signal ÷ Σ weights computed by the engine).
 */
import {
  axisSampling,
  resolveWeightsPath,
  shortAxisName,
  type AxisSampling,
  type SliceDim,
} from '../../nexus/nxdata/hkl-slice.ts';
import { resolveNxData } from '../../nexus/nxdata/resolve-nxdata.ts';
import { parentPath } from '../../nexus/model/paths.ts';
import type { NxNode } from '../../nexus/model/types.ts';
import { NxrError } from '../../shared/errors.ts';
import type { DatasetSlab, NxrBridge } from '../../shared/ipc.ts';
import { readValues } from '../bridge/read-data.ts';

export interface SliceDimension {
  /** Axis field name (Qh), or 'dim N' without an axis. */
  name: string;
  /** For controls and the read-out: H, K, L (or the name). */
  short: string;
  /** Axis title: @long_name, else name (+ units). */
  label: string;
  sampling: AxisSampling;
  /** @scaling_factor (Å⁻¹ per r.l.u. for NXRefine's axes), or null. */
  scalingFactor: number | null;
}

export interface SliceSource {
  fileId: string;
  /** The NXdata group. */
  group: string;
  signalPath: string;
  /** Σ weights to divide by (NXRefine's `weights` → n), or null. */
  weightsPath: string | null;
  shape: [number, number, number];
  dtype: string;
  dims: [SliceDimension, SliceDimension, SliceDimension];
  /** NXdata @angles (one per dimension: the angle between the other two, degrees), or null. */
  angles: number[] | null;
}

const attrOf = (node: NxNode | undefined, name: string): unknown =>
  node?.attributes.find((a) => a.name === name)?.value;

const numberOf = (v: unknown): number | null => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
};

/** Reads the description of the 3-D NXdata whose signal is `signalPath`. */
export async function loadSliceSource(
  bridge: NxrBridge,
  fileId: string,
  signalPath: string,
): Promise<SliceSource> {
  const groupPath = parentPath(signalPath);
  const [entity, children] = await Promise.all([
    bridge.getEntity(fileId, groupPath),
    bridge.listChildren(fileId, groupPath),
  ]);
  const group: NxNode = { ...entity, children };
  const resolved = resolveNxData(group);
  const signal = children.find((c) => c.path === signalPath);
  if (!signal || signal.kind !== 'dataset') {
    const dangling = signal?.dangling === true;
    const l = signal?.link;
    throw new NxrError({
      code: dangling ? 'DANGLING_LINK' : 'MISSING_PATH',
      message: dangling
        ? `the signal links to ${l?.type === 'external' ? `${l.file}:${l.target}` : (l?.target ?? '?')}, which is missing`
        : 'no signal dataset here',
      path: signalPath,
    });
  }
  const shape = signal.shape ?? [];
  if (shape.length !== 3) {
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `HKL slices need a 3-D signal, this one has shape [${shape.join(', ')}]`,
      path: signalPath,
    });
  }
  const axes = resolved?.signalPath === signalPath ? resolved.axes : [null, null, null];
  // the signal's own attributes (@weights names its weights field)
  const signalEntity = await bridge.getEntity(fileId, signalPath);
  const dims = await Promise.all(
    [0, 1, 2].map(async (d): Promise<SliceDimension> => {
      const name = axes[d] ?? null;
      const listed = name !== null ? children.find((c) => c.name === name) : undefined;
      let node: NxNode | undefined;
      let values: ArrayLike<number> | null = null;
      if (listed && listed.kind === 'dataset' && (listed.shape?.length ?? 0) === 1) {
        try {
          // the tree lists children without attributes: long_name, units, scaling_factor from here
          const [entityOfAxis, v] = await Promise.all([
            bridge.getEntity(fileId, listed.path),
            readValues(bridge, fileId, listed.path),
          ]);
          node = entityOfAxis;
          if (ArrayBuffer.isView(v.data)) values = v.data as unknown as ArrayLike<number>;
        } catch {
          values = null; // an unreadable axis: indices instead
        }
      }
      const longName = attrOf(node, 'long_name');
      const units = attrOf(node, 'units');
      const axisName = name ?? `dim ${d}`;
      const label =
        typeof longName === 'string' && longName.trim() !== ''
          ? longName
          : `${axisName}${typeof units === 'string' && units !== '' ? ` (${units})` : ''}`;
      return {
        name: axisName,
        short: name !== null ? shortAxisName(name) : `dim ${d}`,
        label,
        sampling: axisSampling(values, shape[d]!),
        scalingFactor: numberOf(attrOf(node, 'scaling_factor')),
      };
    }),
  );
  const rawAngles = attrOf(entity, 'angles');
  const angles =
    Array.isArray(rawAngles) && rawAngles.length === 3 && rawAngles.every((a) => typeof a === 'number')
      ? (rawAngles as number[])
      : null;
  return {
    fileId,
    group: groupPath,
    signalPath,
    weightsPath: resolveWeightsPath(
      { ...group, children: children.map((c) => (c.path === signalPath ? signalEntity : c)) },
      signal.name,
    ),
    shape: [shape[0]!, shape[1]!, shape[2]!],
    dtype: signal.dtype ?? '',
    dims: dims as [SliceDimension, SliceDimension, SliceDimension],
    angles,
  };
}

/**
 * Σ of planes start…start+count−1 along `constant` of the signal, divided by the same sum of the
 * weights when there are weights (the engine divides: one array crosses to the page, not two).
 */
export function readSliceSlab(
  bridge: NxrBridge,
  source: SliceSource,
  constant: SliceDim,
  start: number,
  count: number,
): Promise<DatasetSlab> {
  return bridge.readData({
    kind: 'slab',
    fileId: source.fileId,
    path: source.signalPath,
    axis: constant,
    start,
    count,
    ...(source.weightsPath ? { weights: source.weightsPath } : {}),
  }) as Promise<DatasetSlab>;
}
