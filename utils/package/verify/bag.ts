/**
 * Parsing of the bag's text files for the verifier (manifests, bag-info.txt) and of its JSON
 * documents, each within a documented size cap. Kept apart from the ZIP reader and from the
 * cross-checks so each can be read and tested alone. Strict where lenient tools disagree:
 * a byte-order mark is refused, not stripped (`sha256sum -c` would then skip the first line).
 */

/** Size caps for files the verifier holds in memory (docs/security.md). Larger files are refused. */
export const TEXT_CAPS = {
  /** bagit.txt, bag-info.txt, VERIFY.txt. */
  tagFile: 1024 ** 2,
  /** manifest-*.txt, tagmanifest-*.txt: 150,000 lines (ZIP_LIMITS.maxEntries) of a SHA-512 and a path. */
  manifest: 56 * 1024 ** 2,
  /** data/case.json (lists every capture of the export). */
  caseJson: 16 * 1024 ** 2,
  /** One capture.json. */
  captureJson: 8 * 1024 ** 2,
  /** data/custody/events.jsonl. */
  custody: 64 * 1024 ** 2,
  /** One RFC 3161 answer (.tsr). */
  token: 64 * 1024,
  /** signature/tsa-chain.pem, signature/signing-key.pem. */
  pem: 256 * 1024,
  /** signature/tagmanifest-sha256.txt.sig (DER ECDSA P-384: about 104 bytes). */
  signature: 1024,
  /** Nesting of any JSON document. */
  jsonDepth: 64,
} as const;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text of `bytes`, or a phrase saying why not (invalid UTF-8, or a byte-order mark). */
export function decodeText(bytes: Uint8Array): { text: string } | { problem: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { problem: 'starts with a byte-order mark (tools such as sha256sum -c would misread its first line)' };
  }
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    return { problem: 'is not valid UTF-8 text' };
  }
}

/**
 * JSON.parse after checking the nesting depth (a deeply nested document can exhaust the stack
 * of some parsers and the patience of every reader). Null with a phrase when refused.
 */
export function parseBoundedJson(
  text: string,
  maxDepth: number = TEXT_CAPS.jsonDepth,
): { value: unknown } | { problem: string } {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { problem: `nests deeper than ${maxDepth} levels` };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: 'is not valid JSON' };
  }
}

export interface ParsedManifest {
  entries: Map<string, string>;
  problems: string[];
}

/** Parses `<hex>  <path>` lines (also `<hex> *<path>`, as sha256sum accepts). Hex is compared in lower case. */
export function parseManifest(file: string, text: string, hexLength: number): ParsedManifest {
  const entries = new Map<string, string>();
  const problems: string[] = [];
  if (text === '') return { entries, problems };
  if (!text.endsWith('\n')) problems.push(`${file}: the last line does not end with a line break`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const lineRe = new RegExp(`^([0-9a-fA-F]{${hexLength}}) [ *](.+)$`);
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.includes('\r')) {
      problems.push(`${file} line ${n}: contains a carriage return (Windows line ending)`);
      return;
    }
    const m = lineRe.exec(line);
    if (!m?.[1] || !m[2]) {
      problems.push(`${file} line ${n}: is not "<${hexLength} hex digits>  <path>"`);
      return;
    }
    const path = m[2];
    if (entries.has(path)) problems.push(`${file} line ${n}: ${path} is listed twice`);
    entries.set(path, m[1].toLowerCase());
  });
  return { entries, problems };
}

export interface BagInfoFields {
  values: Map<string, string[]>;
  problems: string[];
}

/** Parses bag-info.txt: `Label: value` lines; lines starting with a space or tab continue the value (RFC 8493 §2.2.2). */
export function parseBagInfo(text: string): BagInfoFields {
  const values = new Map<string, string[]>();
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push('bag-info.txt: the last line does not end with a line break');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let last: { label: string; index: number } | null = null;
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.includes('\r')) {
      problems.push(`bag-info.txt line ${n}: contains a carriage return (Windows line ending)`);
      return;
    }
    if (/^[ \t]/.test(line) && last) {
      const list = values.get(last.label);
      if (list) list[last.index] = `${list[last.index] ?? ''} ${line.trim()}`;
      return;
    }
    const m = /^([^:\s][^:]*):[ \t]*(.*)$/.exec(line);
    if (!m?.[1]) {
      problems.push(`bag-info.txt line ${n}: is not "Label: value"`);
      return;
    }
    const label = m[1].trim();
    const list = values.get(label) ?? [];
    list.push((m[2] ?? '').trim());
    values.set(label, list);
    last = { label, index: list.length - 1 };
  });
  return { values, problems };
}
