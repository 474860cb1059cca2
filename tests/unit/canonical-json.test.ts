import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from '@/utils/evidence/canonical-json';

/** The IEEE 754 double with the given 16-hex-digit bit pattern (RFC 8785 Appendix B notation). */
function double(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
}

describe('canonicalJson (RFC 8785)', () => {
  it('serialises the §3.2.2 example exactly', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (§3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts integer-like keys as strings, not numbers, and nests', () => {
    expect(canonicalJson({ b: { z: 1, a: [2, { y: 0, x: 1 }] }, 10: 'ten', 9: 'nine', a: null })).toBe(
      '{"10":"ten","9":"nine","a":null,"b":{"a":[2,{"x":1,"y":0}],"z":1}}',
    );
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('number %s serialises as %s (Appendix B)', (bits, expected) => {
    expect(canonicalJson(double(bits))).toBe(expected);
  });

  it('writes 1e21, 1e-7 and -0 in ECMAScript form', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 100, 0.5])).toBe('[1e+21,1e-7,0,100,0.5]');
  });

  it('escapes strings as RFC 8785 requires', () => {
    expect(canonicalJson('\u0000\u0008\t\n\u000b\f\r\u001f "\\/\u007f\u2028é')).toBe(
      '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f \\"\\\\/\u007f\u2028é"',
    );
  });

  it('omits undefined object members, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { z: true }))).toBe('{"z":true}');
  });

  it.each([
    ['NaN', NaN, '$'],
    ['Infinity', { a: [Infinity] }, '$.a[0]'],
    ['-Infinity', { 'odd key': -Infinity }, '$["odd key"]'],
    ['bigint', { n: 1n }, '$.n'],
    ['function', { f: () => 1 }, '$.f'],
    ['symbol', Symbol('s'), '$'],
    ['top-level undefined', undefined, '$'],
    ['undefined in an array', [1, undefined], '$[1]'],
    // eslint-disable-next-line no-sparse-arrays -- a sparse array on purpose: the hole is the test
    ['array hole', [1, , 3], '$[1]'],
    ['Date', { at: new Date(0) }, '$.at'],
    ['Map', new Map(), '$'],
    ['class instance', new (class Thing {})(), '$'],
    ['typed array', { b: new Uint8Array(2) }, '$.b'],
    ['lone high surrogate', { s: 'a\ud800b' }, '$.s'],
    ['lone low surrogate in a key', { 'x\udc00': 1 }, '$["x\\udc00"]'],
  ])('rejects %s with a clear error', (_name, value, path) => {
    let error: unknown;
    try {
      canonicalJson(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CanonicalJsonError);
    expect((error as CanonicalJsonError).path).toBe(path);
    expect((error as Error).message).toMatch(/^canonicalJson: .+ at /);
  });

  it('rejects circular structures instead of overflowing the stack', () => {
    const a: Record<string, unknown> = {};
    a.self = { a };
    expect(() => canonicalJson(a)).toThrow(/circular reference at \$\.self\.a/);
  });

  it('accepts a shared (non-circular) reference twice', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('round-trips: parsing canonical output and serialising again gives the same text', () => {
    const value = { z: [1.5, 'ü', { k: false }], a: { '\u00e9': -12e-9 } };
    const once = canonicalJson(value);
    expect(canonicalJson(JSON.parse(once))).toBe(once);
  });
});
