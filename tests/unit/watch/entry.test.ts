import { describe, expect, test } from 'vitest';
import { checkPattern, globMatch, matchWatchList, normaliseWatchValue, WatchValueError } from '@/utils/watch/entry';

describe('watch values are normalised like extracted selectors', () => {
  test.each([
    ['phone', '06 12 34 56 78', 'FR', '+33612345678'],
    ['phone', '+33 6.12.34.56.78', 'FR', '+33612345678'],
    ['phone', '0033612345678', 'MA', '+33612345678'],
    ['phone', 'wa.me/33612345678', 'FR', '+33612345678'],
    ['phone', '٠٦٦١٢٣٤٥٦٧', 'MA', '+212661234567'],
    ['phone', '0661234567', 'MA', '+212661234567'],
    ['email', 'Karim.Dupont@Example.COM', 'FR', 'karim.dupont@example.com'],
    ['email', 'mailto:karim@example.com', 'FR', 'karim@example.com'],
    ['handle', 'https://t.me/Karim_Logement13', 'FR', 'telegram:karim_logement13'],
    ['handle', 't.me/karim_logement13', 'FR', 'telegram:karim_logement13'],
    ['handle', 'telegram:Karim_Logement13', 'FR', 'telegram:karim_logement13'],
    ['handle', 'Telegram : @karim_logement13', 'FR', 'telegram:karim_logement13'],
    ['wallet', '0x52908400098527886e0f7030069857d2e4169ee7', 'FR', '0x52908400098527886E0F7030069857D2E4169EE7'],
  ] as const)('%s %j (region %s) -> %s', (kind, raw, region, value) => {
    expect(normaliseWatchValue(kind, raw, region)).toBe(value);
  });

  test.each([
    ['phone', '12', 'not a valid phone'],
    ['phone', 'Tél 06 12 34 56 78 ou 06 98 76 54 32', 'different values'],
    ['email', 'karim at example', 'not an e-mail'],
    ['handle', '@karim', 'not a handle'],
    ['wallet', '0x52908400098527886E0F7030069857D2E4169Ee7', 'not a valid wallet'], // EIP-55 checksum broken
    ['phone', '   ', 'Type a value'],
    ['phone', '1'.repeat(301), 'at most 300'],
  ] as const)('%s %j is refused with a reason', (kind, raw, reason) => {
    expect(() => normaliseWatchValue(kind, raw, 'FR')).toThrow(WatchValueError);
    expect(() => normaliseWatchValue(kind, raw, 'FR')).toThrow(reason);
  });
});

describe('patterns', () => {
  test('are stored lower case with runs of * collapsed', () => {
    expect(checkPattern(' *@ProtonMail.com ')).toBe('*@protonmail.com');
    expect(checkPattern('+3361234***')).toBe('+3361234*');
  });

  test.each([
    ['*', 'at least 4'],
    ['+3*?', 'at least 4'],
    ['a b c d', 'spaces'],
    ['x'.repeat(101), 'at most 100'],
    ['abcd\u202e', 'control'],
  ])('%j is refused', (p, reason) => {
    expect(() => checkPattern(p)).toThrow(reason);
  });

  test.each([
    ['+3361234*', '+33612345678', true],
    ['+3361234*', '+33712345678', false],
    ['*@protonmail.com', 'karim@protonmail.com', true],
    ['*@protonmail.com', 'karim@protonmail.com.evil', false],
    ['telegram:karim*', 'telegram:karim_logement13', true],
    ['telegram:karim*', 'instagram:karim_logement13', false],
    ['*karim*', 'telegram:le_karim_13', true],
    ['+33?12345678', '+33612345678', true],
    ['+33?12345678', '+336612345678', false],
    ['KARIM*', 'karim_13', true],
    ['a*b*c*d', 'aXbYcZd', true],
    ['a*b*c*d', 'aXbYcZ', false],
  ])('globMatch(%j, %j) = %s', (p, v, want) => {
    expect(globMatch(p, v)).toBe(want);
  });

  test('no input makes matching blow up (no regex, one backtrack point)', () => {
    // The classic catastrophic cases for a backtracking regex: (a*)*b against aaaa…c.
    const value = 'a'.repeat(320);
    const pattern = '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b';
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) expect(globMatch(pattern, value)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('matching a page against the watch list', () => {
  const entries = [
    { id: 'w1', caseId: 'c1', kind: 'phone' as const, value: '+33612345678' },
    { id: 'w2', caseId: 'c2', kind: 'phone' as const, value: '+33612345678' },
    { id: 'w3', caseId: 'c1', kind: 'pattern' as const, value: '*@protonmail.com' },
    { id: 'w4', caseId: 'c1', kind: 'email' as const, value: '+33612345678' }, // same value, other kind
  ];

  test('a value entry matches by kind and exact value; every case watching it gets its match', () => {
    const m = matchWatchList(entries, [{ kind: 'phone', value: '+33612345678' }]);
    expect(m.map((x) => x.entry.id).sort()).toEqual(['w1', 'w2']);
    expect(m[0]!.matched).toBe('+33612345678');
  });

  test('a pattern matches any selector value; repeats give one match per (entry, value)', () => {
    const m = matchWatchList(entries, [
      { kind: 'email', value: 'a@protonmail.com' },
      { kind: 'email', value: 'a@protonmail.com' },
      { kind: 'email', value: 'b@protonmail.com' },
      { kind: 'email', value: 'c@gmail.com' },
    ]);
    expect(m.map((x) => `${x.entry.id}:${x.matched}`)).toEqual(['w3:a@protonmail.com', 'w3:b@protonmail.com']);
  });

  test('nothing watched on the page: no match', () => {
    expect(matchWatchList(entries, [{ kind: 'phone', value: '+33700000000' }])).toEqual([]);
  });
});
