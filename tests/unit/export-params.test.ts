import { describe, expect, test } from 'vitest';
import { exportPageQuery, parseExportParams } from '@/utils/package/export-params';

/** The export page's URL, as the CLI writes it and the page reads it. */
describe('export page parameters', () => {
  test('round-trip: what the CLI asks for is what the page uses', () => {
    const q = exportPageQuery({
      caseId: 'a b&c',
      ceiling: { maxPartBytes: 1_000_000, maxPartEntries: 500 },
      lang: 'ar',
    });
    expect(q).toBe('?case=a+b%26c&maxPartBytes=1000000&maxPartEntries=500&lang=ar');
    expect(parseExportParams(q)).toEqual({
      caseId: 'a b&c',
      ceiling: { maxPartBytes: 1_000_000, maxPartEntries: 500 },
      lang: 'ar',
    });
    expect(parseExportParams('?case=x')).toEqual({ caseId: 'x', ceiling: {}, lang: null });
  });

  test.each([
    ['', /No case/],
    ['?case=x&maxPartBytes=abc', /maxPartBytes must be a whole number/],
    ['?case=x&maxPartBytes=1e9', /maxPartBytes must be a whole number/],
    ['?case=x&maxPartBytes=0', /maxPartBytes must be a whole number/],
    ['?case=x&maxPartBytes=5000000000', /4 GiB/],
    ['?case=x&maxPartEntries=200000', /150,000/],
    ['?case=x&lang=de', /lang must be one of en, fr, ar/],
  ])('refuses %j with a sentence', (search, message) => {
    expect(() => parseExportParams(search)).toThrow(message);
  });
});
