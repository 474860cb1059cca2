import { describe, expect, it } from 'vitest';
import { verifyInstructions } from '@/utils/package/verify-text';

const FP = 'ab'.repeat(32);
const base = {
  bagName: 'case-a-20250102T030405Z',
  zipName: 'case-a-20250102T030405Z.zip',
  fingerprint: FP,
  hasTimestamps: false,
};

describe('verifyInstructions', () => {
  it('explains first, then gives the exact commands with the real names', () => {
    const text = verifyInstructions(base);
    expect(text.indexOf('WHAT EACH CHECK PROVES')).toBeLessThan(text.indexOf('COMMANDS'));
    const commands = text.split('\n').filter((l) => l.startsWith('  ') && !l.startsWith('   '));
    expect(commands).toEqual([
      '  sha256sum case-a-20250102T030405Z.zip',
      '  unzip -q case-a-20250102T030405Z.zip && cd case-a-20250102T030405Z',
      '  sha256sum -c manifest-sha256.txt && sha256sum -c tagmanifest-sha256.txt',
      '  openssl pkey -pubin -in signature/signing-key.pem -outform DER | sha256sum',
      '  openssl dgst -sha256 -verify signature/signing-key.pem -signature signature/tagmanifest-sha256.txt.sig tagmanifest-sha256.txt',
      '  hashmark verify --key-fingerprint <fingerprint obtained separately> case-a-20250102T030405Z.zip',
    ]);
    expect(text).toContain(FP);
    expect(text).not.toContain('openssl ts');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('is ASCII only', () => {
    for (const hasTimestamps of [false, true]) {
      expect(/^[\x20-\x7e\n]*$/.test(verifyInstructions({ ...base, hasTimestamps }))).toBe(true);
    }
  });

  it('adds the timestamp checks when the package has tokens', () => {
    const text = verifyInstructions({ ...base, hasTimestamps: true });
    expect(text).toContain(
      '  openssl ts -verify -data signature/tagmanifest-sha256.txt.sig -in signature/tagmanifest-sha256.txt.sig.tsr -CAfile <tsa-root.pem>',
    );
    expect(text).toContain('capture.json.tsr');
    expect(text).toContain('Trusted time');
  });

  it('tells the reader to compare the fingerprint with one obtained separately', () => {
    expect(verifyInstructions(base)).toMatch(/obtained separately/);
  });

  it.each([
    [{ bagName: 'caf\u00e9' }, /bag name/],
    [{ bagName: 'a b' }, /bag name/],
    [{ zipName: 'x\n.zip' }, /ZIP name/],
    [{ fingerprint: FP.toUpperCase() }, /fingerprint/],
    [{ fingerprint: 'abc' }, /fingerprint/],
  ])('rejects unsafe input %j', (override, message) => {
    expect(() => verifyInstructions({ ...base, ...override })).toThrow(message);
  });

  it('says which part of a split export this is, lists every part, and verifies them all at once', () => {
    const zipNames = [
      'case-a-20250102T030405Z-part1of3.zip',
      'case-a-20250102T030405Z-part2of3.zip',
      'case-a-20250102T030405Z-part3of3.zip',
    ];
    const id = '6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
    const text = verifyInstructions({
      ...base,
      bagName: 'case-a-20250102T030405Z-part2of3',
      zipName: zipNames[1]!,
      group: { part: 2, zipNames, identifier: id },
    });
    expect(text).toContain('THIS PACKAGE IS PART 2 OF 3');
    expect(text).toContain(`\n${id}\n`);
    for (const [i, z] of zipNames.entries()) expect(text).toContain(`\nPart ${i + 1}: ${z}\n`);
    expect(text).toContain(
      `  hashmark verify --key-fingerprint <fingerprint obtained separately> ${zipNames.join(' ')}\n`,
    );
    expect(text).toContain('  sha256sum case-a-20250102T030405Z-part2of3.zip\n');
    expect(text.indexOf('THIS PACKAGE IS PART')).toBeLessThan(text.indexOf('WHAT EACH CHECK PROVES'));
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    // Only commands are indented by two spaces: the list of parts is not.
    expect(
      text.split('\n').filter((l) => l.startsWith('  ') && !l.startsWith('   ') && l.includes('part1of3')),
    ).toEqual([`  hashmark verify --key-fingerprint <fingerprint obtained separately> ${zipNames.join(' ')}`]);
    expect(verifyInstructions(base)).not.toContain('THIS PACKAGE IS PART');
  });

  it('refuses a group that does not list this package at its number, or has unsafe names', () => {
    const g = { part: 1, zipNames: ['x.zip', 'y.zip'], identifier: 'id' };
    expect(() => verifyInstructions({ ...base, group: g })).toThrow(/does not list this package/);
    expect(() => verifyInstructions({ ...base, group: { ...g, zipNames: [base.zipName, 'y z.zip'] } })).toThrow(
      /not plain ASCII/,
    );
  });

  it('mentions data/report.html, which every package holds', () => {
    expect(verifyInstructions(base)).toContain('data/report.html');
  });
});
