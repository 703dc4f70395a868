/**
 * Safe decoding of HDF5 string bytes. Files in the wild declare ASCII or UTF-8 but hold Latin-1
 * bytes (SOLEIL writes '\xB0' for °, SLS mixes '\xB5m' and UTF-8 'μm'); such strings are read as
 * Latin-1 and flagged, never turned into U+FFFD garbage. Pure (no TextDecoder: the core has no DOM lib).
 */

export interface DecodedString {
  text: string;
  /** True when the bytes were not valid UTF-8 and were read as Latin-1. */
  nonUtf8: boolean;
  /** Present when nonUtf8: printable ASCII kept, other bytes as \xHH. */
  escaped?: string;
}

/** Decode strict UTF-8; returns null at the first invalid sequence. */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  let out = '';
  let i = 0;
  const n = bytes.length;
  const chunk: number[] = [];
  const flush = (): void => {
    if (chunk.length > 0) {
      out += String.fromCodePoint(...chunk);
      chunk.length = 0;
    }
  };
  while (i < n) {
    const b0 = bytes[i]!;
    let cp: number;
    let len: number;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      cp = b0 & 0x1f;
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      cp = b0 & 0x0f;
      len = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return null;
    }
    if (i + len > n) return null;
    for (let k = 1; k < len; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (b & 0x3f);
    }
    // overlong forms, surrogates, beyond U+10FFFF
    if ((len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff))) return null;
    if (cp >= 0xd800 && cp <= 0xdfff) return null;
    chunk.push(cp);
    if (chunk.length >= 4096) flush();
    i += len;
  }
  flush();
  return out;
}

export function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return out;
}

/** '\xB5m' style rendering: printable ASCII kept, everything else as \xHH (backslash as \\). */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** UTF-8 first; invalid UTF-8 falls back to Latin-1 and is flagged with an escaped form. */
export function decodeStringBytes(bytes: Uint8Array): DecodedString {
  const utf8 = decodeUtf8Strict(bytes);
  if (utf8 !== null) return { text: utf8, nonUtf8: false };
  return { text: decodeLatin1(bytes), nonUtf8: true, escaped: escapeBytes(bytes) };
}

/** Encode a JS string as UTF-8 bytes (pure, no TextEncoder). */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}
