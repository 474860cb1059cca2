/**
 * JSON Canonicalization Scheme (RFC 8785, "JCS"): one byte-exact serialisation per value, so a
 * custody line can be re-serialised and compared, and its hash means one thing.
 *
 * - object members sorted by their names as UTF-16 code units, no whitespace;
 * - numbers as ECMAScript Number-to-String (what `String(n)` gives: `1e+21`, `1e-7`, `-0` → `0`);
 * - strings as ECMAScript JSON.stringify escapes them (`\n`, `\u000f`, `\"`, `\\`; `/` and
 *   non-ASCII left as is).
 *
 * Input must be I-JSON (RFC 7493), as RFC 8785 requires: strings with unpaired surrogates are
 * rejected (they have no UTF-8 form, so their hash would not survive a round trip), as are NaN,
 * ±Infinity, BigInt, functions, symbols, Dates, Maps, class instances, typed arrays and cycles.
 * `undefined` object members are omitted, as JSON.stringify does; `undefined` inside an array is
 * rejected (JSON.stringify would silently turn it into `null`).
 */

/** Thrown when a value has no canonical JSON form; `path` locates it, e.g. `$.details.size`. */
export class CanonicalJsonError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`canonicalJson: ${message} at ${path}`);
    this.name = 'CanonicalJsonError';
  }
}

/** Serialises `value` per RFC 8785. Throws {@link CanonicalJsonError} for values JSON cannot represent exactly. */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$', new Set());
}

// A lone high surrogate not followed by a low one, or a lone low surrogate.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serialiseString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) {
    throw new CanonicalJsonError('string contains an unpaired UTF-16 surrogate (not valid I-JSON)', path);
  }
  // ECMAScript JSON.stringify string escaping is exactly RFC 8785 §3.2.2.2 for well-formed strings.
  return JSON.stringify(s);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object';
}

function memberPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function serialise(value: unknown, path: string, stack: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serialiseString(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError(`${String(value)} is not a JSON number`, path);
      }
      // Number-to-String is the JCS number format; it already writes -0 as "0".
      return String(value);
    case 'object':
      break;
    default:
      // undefined (outside an object member), bigint, function, symbol.
      throw new CanonicalJsonError(`${typeof value} has no JSON form`, path);
  }
  if (value === null) return 'null';

  if (stack.has(value)) throw new CanonicalJsonError('circular reference', path);

  if (Array.isArray(value)) {
    stack.add(value);
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      const itemPath = `${path}[${i}]`;
      // `in` distinguishes a hole from a stored undefined only for the message; both are rejected.
      const item: unknown = i in value ? value[i] : undefined;
      if (item === undefined) {
        throw new CanonicalJsonError('undefined array element (JSON would write null)', itemPath);
      }
      parts.push(serialise(item, itemPath, stack));
    }
    stack.delete(value);
    return `[${parts.join(',')}]`;
  }

  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError(
      `${describe(value)} is not a plain object (convert it first, e.g. a Date with toISOString())`,
      path,
    );
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new CanonicalJsonError('object has symbol keys, which JSON cannot represent', path);
  }

  stack.add(value);
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 requires.
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    const p = memberPath(path, key);
    parts.push(`${serialiseString(key, p)}:${serialise(member, p, stack)}`);
  }
  stack.delete(value);
  return `{${parts.join(',')}}`;
}
