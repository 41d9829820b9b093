import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/journal/canonical.js';
import { sha256Hex } from '../../src/journal/hash.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and uses no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives equal text for equal values built in different orders', () => {
    expect(canonicalJson({ x: 1, y: [1, 2], z: null })).toBe(canonicalJson({ z: null, y: [1, 2], x: 1 }));
  });

  it('drops undefined members but keeps array positions as null, like JSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('encodes dates through toJSON and escapes strings as JSON does', () => {
    const date = new Date('2026-11-25T14:22:33.000Z');
    expect(canonicalJson({ at: date, s: 'line\n"q" é' })).toBe(
      '{"at":"2026-11-25T14:22:33.000Z","s":"line\\n\\"q\\" é"}',
    );
  });

  it('is stable through a JSON round trip', () => {
    const value = { n: 0.1 + 0.2, big: 1e21, neg: -0, s: '\u2028', arr: [{ k: 'v' }] };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it.each([
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['bigint', { a: 1n }],
    ['function', { f: () => 1 }],
    ['top-level undefined', undefined],
  ])('refuses %s rather than writing something else', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('refuses cycles but allows shared references', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle at \.self/);
  });
});

describe('sha256Hex', () => {
  it('matches the standard test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
