import { describe, expect, it } from 'vitest';
import { verifyInstructions } from '@/utils/package/verify-text';

const FP = 'ab'.repeat(32);
const base = { bagName: 'case-a-20250102T030405Z', zipName: 'case-a-20250102T030405Z.zip', fingerprint: FP, hasTimestamps: false };

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
      '  hashmark verify case-a-20250102T030405Z.zip',
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
});
