import { describe, expect, it } from 'vitest';

import {
  decodeStringBytes,
  decodeUtf8Strict,
  encodeUtf8,
  escapeBytes,
} from '../../../src/nexus/model/strings.ts';

describe('string decoding', () => {
  it('decodes valid UTF-8 (ASCII, μ, emoji) exactly like Node', () => {
    for (const s of ['mm', 'μm', 'Å', 'Ångström 😀', '']) {
      const bytes = new Uint8Array(Buffer.from(s, 'utf8'));
      expect(decodeUtf8Strict(bytes)).toBe(s);
      expect(decodeStringBytes(bytes)).toEqual({ text: s, nonUtf8: false });
      expect(Array.from(encodeUtf8(s))).toEqual(Array.from(bytes));
    }
  });

  it('reads Latin-1 bytes as Latin-1 and flags them with a safe escaped form', () => {
    expect(decodeStringBytes(Uint8Array.from([0xb5, 0x6d]))).toEqual({
      text: 'µm',
      nonUtf8: true,
      escaped: '\\xB5m',
    });
    expect(decodeStringBytes(Uint8Array.from([0xb0]))).toEqual({
      text: '°',
      nonUtf8: true,
      escaped: '\\xB0',
    });
  });

  it('rejects overlong forms, surrogates and truncated sequences', () => {
    expect(decodeUtf8Strict(Uint8Array.from([0xc0, 0x80]))).toBeNull();
    expect(decodeUtf8Strict(Uint8Array.from([0xed, 0xa0, 0x80]))).toBeNull();
    expect(decodeUtf8Strict(Uint8Array.from([0xe2, 0x82]))).toBeNull();
    expect(escapeBytes(Uint8Array.from([0x5c, 0x0a, 0x41]))).toBe('\\\\\\x0AA');
  });
});
