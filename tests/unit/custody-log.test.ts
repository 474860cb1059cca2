import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@/utils/evidence/canonical-json';
import { ZERO_HASH, chainEvent, verifyCustodyChain, type NewCustodyEvent } from '@/utils/evidence/custody-log';
import { sha256HexSync } from '@/utils/evidence/hash';

const CASE = 'case-1';

function ev(type: string, extra: Partial<NewCustodyEvent> = {}): NewCustodyEvent {
  return { at: '2025-01-02T03:04:05.678Z', type, caseId: CASE, actor: 'DC Example', details: {}, ...extra };
}

/** A valid chain of `n` events, as the lines of events.jsonl (no newlines). */
function chainLines(n: number): string[] {
  const lines: string[] = [];
  let prev: { seq: number; line: string } | null = null;
  for (let i = 0; i < n; i++) {
    const type = i === 0 ? 'case.created' : 'note.added';
    const { event, line } = chainEvent(prev, ev(type, i === 0 ? {} : { details: { note: `note ${i}` } }));
    lines.push(line);
    prev = { seq: event.seq, line };
  }
  return lines;
}

const jsonl = (lines: string[]): string => lines.map((l) => `${l}\n`).join('');

describe('chainEvent', () => {
  it('starts at seq 1 with 64 zeros as prev', () => {
    const { event, line, hash } = chainEvent(null, ev('case.created'));
    expect(ZERO_HASH).toBe('0'.repeat(64));
    expect(event.seq).toBe(1);
    expect(event.prev).toBe(ZERO_HASH);
    expect(line).toBe(canonicalJson(event));
    expect(line).not.toContain('\n');
    expect(hash).toBe(sha256HexSync(line));
  });

  it('links each event to the SHA-256 of the previous line', () => {
    const first = chainEvent(null, ev('case.created'));
    const second = chainEvent({ seq: first.event.seq, line: first.line }, ev('capture.started', { captureId: 'c1' }));
    expect(second.event.seq).toBe(2);
    expect(second.event.prev).toBe(first.hash);
    expect(second.line).toBe(
      `{"actor":"DC Example","at":"2025-01-02T03:04:05.678Z","captureId":"c1","caseId":"case-1","details":{},"prev":"${first.hash}","seq":2,"type":"capture.started"}`,
    );
  });

  it('refuses events the verifier would reject', () => {
    expect(() => chainEvent(null, ev('case.created', { caseId: '' }))).toThrow('caseId is missing or not a text value');
    expect(() => chainEvent(null, ev('case.created', { at: 'yesterday' }))).toThrow('at is not a date and time');
    expect(() => chainEvent({ seq: 0.5, line: '{}' }, ev('note.added'))).toThrow('seq is not a positive integer');
  });

  it('omits an undefined captureId and rejects values JSON cannot hold', () => {
    const { line } = chainEvent(null, ev('case.created', { captureId: undefined }));
    expect(line).not.toContain('captureId');
    expect(() => chainEvent(null, ev('note.added', { details: { n: NaN } }))).toThrow(/NaN/);
  });
});

describe('verifyCustodyChain', () => {
  it('accepts a good chain and returns its events', () => {
    const r = verifyCustodyChain(jsonl(chainLines(5)));
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('detects an edited line at the line after it', () => {
    const lines = chainLines(5);
    lines[2] = canonicalJson({ ...(JSON.parse(lines[2] ?? '') as object), details: { note: 'changed' } });
    const r = verifyCustodyChain(jsonl(lines));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([expect.stringMatching(/^line 4: prev does not match/)]);
  });

  it('detects a removed line', () => {
    const lines = chainLines(5);
    lines.splice(1, 1);
    const r = verifyCustodyChain(jsonl(lines));
    expect(r.ok).toBe(false);
    expect(r.errors).toContain('line 2: seq is 3, expected 2');
    expect(r.errors.some((e) => e.startsWith('line 2: prev does not match'))).toBe(true);
  });

  it('detects reordered lines', () => {
    const lines = chainLines(5);
    const [a, b] = [lines[2] ?? '', lines[3] ?? ''];
    lines[2] = b;
    lines[3] = a;
    const r = verifyCustodyChain(jsonl(lines));
    expect(r.ok).toBe(false);
    expect(r.errors).toContain('line 3: seq is 4, expected 3');
    expect(r.errors.some((e) => e.startsWith('line 3: prev does not match'))).toBe(true);
    expect(r.errors.some((e) => e.startsWith('line 4:'))).toBe(true);
    expect(r.errors.some((e) => e.startsWith('line 5: prev does not match'))).toBe(true);
  });

  it('detects a non-canonical line even when the chain still links', () => {
    const lines = chainLines(3);
    // Re-formatted with spaces: same data, different bytes. Line 3 must be re-chained so only
    // the canonical-form rule can catch line 2.
    const parsed = JSON.parse(lines[1] ?? '') as object;
    lines[1] = JSON.stringify(parsed, null, 1).replace(/\n/g, '');
    const third = JSON.parse(lines[2] ?? '') as Record<string, unknown>;
    lines[2] = canonicalJson({ ...third, prev: sha256HexSync(lines[1]) });
    const r = verifyCustodyChain(jsonl(lines));
    expect(r.errors).toEqual([expect.stringMatching(/^line 2: not in canonical form/)]);
  });

  it('detects a first line whose prev is not zeros', () => {
    const lines = chainLines(2);
    lines.shift();
    const r = verifyCustodyChain(jsonl(lines));
    expect(r.errors).toContain('line 1: seq is 2, expected 1');
    expect(r.errors).toContain('line 1: prev must be 64 zeros on the first line');
  });

  it('requires a final newline and forbids blank lines', () => {
    const lines = chainLines(3);
    expect(verifyCustodyChain(lines.join('\n')).errors).toEqual([
      expect.stringMatching(/^line 3: the file does not end with a newline/),
    ]);
    const blank = `${lines[0]}\n\n${lines[1]}\n${lines[2]}\n`;
    expect(verifyCustodyChain(blank).errors).toEqual(['line 2: blank line']);
    expect(verifyCustodyChain('').errors).toEqual(['the custody log is empty']);
  });

  it('reports CRLF line ends', () => {
    const r = verifyCustodyChain(
      chainLines(2)
        .map((l) => `${l}\r\n`)
        .join(''),
    );
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatch(/^line 1: ends with a carriage return/);
  });

  it('detects lines from another case', () => {
    const first = chainEvent(null, ev('case.created'));
    const second = chainEvent({ seq: 1, line: first.line }, ev('note.added', { caseId: 'case-2' }));
    const r = verifyCustodyChain(jsonl([first.line, second.line]));
    expect(r.errors).toEqual(['line 2: caseId is "case-2", but the log belongs to "case-1"']);
  });

  it('reports lines that are not JSON or lack custody fields', () => {
    const lines = chainLines(2);
    const r = verifyCustodyChain(jsonl([lines[0] ?? '', '{not json', '[1]', '{"seq":3}']));
    expect(r.errors).toContain('line 2: not valid JSON');
    expect(r.errors).toContain('line 3: not a JSON object');
    expect(r.errors).toContain('line 4: at is missing or not a text value');
    expect(r.errors).toContain('line 4: prev is not a lowercase hex SHA-256');
    expect(r.events).toHaveLength(1);
  });
});
