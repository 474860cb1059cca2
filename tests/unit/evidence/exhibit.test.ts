/**
 * Exhibit numbers are derived (utils/evidence/exhibit.ts): these pin the format a court sees, so
 * that a change to it is a deliberate one.
 */
import { describe, expect, test } from 'vitest';
import { exhibitNumber } from '@/utils/evidence/exhibit';

describe('exhibitNumber', () => {
  test('case reference and the sequence padded to 4', () => {
    expect(exhibitNumber({ id: 'c0ffee00-1111-4222-8333-444455556666', reference: 'PV-2026-118' }, 3)).toBe(
      'PV-2026-118-0003',
    );
    expect(exhibitNumber({ id: 'x', reference: 'PV-2026-118' }, 12345)).toBe('PV-2026-118-12345');
  });

  test('a blank reference falls back to the first 8 characters of the case id', () => {
    expect(exhibitNumber({ id: 'c0ffee00-1111-4222-8333-444455556666', reference: '  ' }, 1)).toBe('c0ffee00-0001');
  });

  test('a hand-typed reference is trimmed and its white space collapsed', () => {
    expect(exhibitNumber({ id: 'x', reference: ' PV 2026\t 118 ' }, 9)).toBe('PV 2026 118-0009');
  });

  test('distinct sequences give distinct numbers (a deleted capture never frees its number)', () => {
    const kase = { id: 'x', reference: 'R' };
    const numbers = new Set(Array.from({ length: 500 }, (_, i) => exhibitNumber(kase, i + 1)));
    expect(numbers.size).toBe(500);
  });
});
