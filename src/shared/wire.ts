/**
 * Protocol messages over a WebSocket (browser mode): a JSON text frame whose typed arrays are
 * replaced by placeholders, followed by one binary frame per typed array, in order. Frames thus
 * travel as raw bytes, never as JSON number lists.
 */
import type { ProtocolMessage } from './ipc.ts';

const typedArrayNames = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;
type TypedArrayName = (typeof typedArrayNames)[number];

interface Placeholder {
  $typed: TypedArrayName;
  $index: number;
}

interface Envelope {
  /** The message with typed arrays replaced by placeholders. */
  m: unknown;
  /** How many binary frames follow. */
  n: number;
}

function isPlaceholder(v: unknown): v is Placeholder {
  return typeof v === 'object' && v !== null && '$typed' in v && '$index' in v;
}

/** Splits a message into its JSON text frame and the binary frames to send after it. */
export function encodeWireMessage(message: ProtocolMessage): { text: string; binaries: Uint8Array[] } {
  const binaries: Uint8Array[] = [];
  const replace = (v: unknown): unknown => {
    if (typeof v === 'bigint') return Number(v);
    if (v === null || typeof v !== 'object') return v;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = v.constructor.name as TypedArrayName;
      if (!typedArrayNames.includes(name)) throw new TypeError(`cannot send a ${name} over the wire`);
      binaries.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return { $typed: name, $index: binaries.length - 1 } satisfies Placeholder;
    }
    if (Array.isArray(v)) return v.map(replace);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = replace(x);
    return out;
  };
  const envelope: Envelope = { m: replace(message), n: 0 };
  envelope.n = binaries.length;
  return { text: JSON.stringify(envelope), binaries };
}

const constructors: Record<TypedArrayName, new (b: ArrayBuffer) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/**
 * Reassembles messages from the frames of one connection, in arrival order. Feed every text frame
 * as a string and every binary frame as its own ArrayBuffer (not a view into a shared one).
 */
export function createWireDecoder(
  onMessage: (message: ProtocolMessage) => void,
): (frame: string | ArrayBuffer) => void {
  let waiting: { envelope: Envelope; buffers: ArrayBuffer[] } | null = null;
  const finish = (envelope: Envelope, buffers: ArrayBuffer[]): void => {
    const restore = (v: unknown): unknown => {
      if (v === null || typeof v !== 'object') return v;
      if (isPlaceholder(v)) {
        const buf = buffers[v.$index];
        const ctor = constructors[v.$typed];
        if (!buf || !ctor) throw new TypeError('wire: missing binary frame');
        return new ctor(buf);
      }
      if (Array.isArray(v)) return v.map(restore);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = restore(x);
      return out;
    };
    onMessage(restore(envelope.m) as ProtocolMessage);
  };
  return (frame) => {
    if (typeof frame === 'string') {
      if (waiting) throw new TypeError('wire: text frame while binary frames were expected');
      const envelope = JSON.parse(frame) as Envelope;
      if (envelope.n === 0) finish(envelope, []);
      else waiting = { envelope, buffers: [] };
      return;
    }
    if (!waiting) throw new TypeError('wire: unexpected binary frame');
    waiting.buffers.push(frame);
    if (waiting.buffers.length === waiting.envelope.n) {
      const { envelope, buffers } = waiting;
      waiting = null;
      finish(envelope, buffers);
    }
  };
}
