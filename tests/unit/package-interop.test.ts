import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackage } from '@/utils/package/verify';
import { BAG_NAME, bagInput, makeBag, type BagBytes } from './helpers/bag-fixture';
import { createTestSigner, type TestSigner } from './helpers/signer';
import { opensslVerifyBag } from '../support/openssl';

/**
 * The package must verify with third-party tools alone (evidence-package-v1.md): unzip,
 * sha256sum and openssl, exactly as VERIFY.txt tells a reader to run them.
 */
describe('package interop with unzip, sha256sum and openssl', () => {
  let t: TestSigner;
  let out: BagBytes;
  let dir: string;
  const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: 'utf8' });

  beforeAll(async () => {
    t = await createTestSigner();
    out = await makeBag(t.signer);
    dir = mkdtempSync(join(tmpdir(), 'hashmark-interop-'));
    writeFileSync(join(dir, out.zipName), out.zip);
    run('unzip', ['-q', out.zipName], dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('unzip -t finds no errors and sha256sum of the ZIP equals zipSha256', () => {
    expect(run('unzip', ['-tq', out.zipName], dir)).toMatch(/^No errors detected/);
    expect(run('sha256sum', [out.zipName], dir).slice(0, 64)).toBe(out.zipSha256);
  });

  it('sha256sum -c accepts both manifests and the tag manifest', () => {
    const bag = join(dir, BAG_NAME);
    for (const m of ['manifest-sha256.txt', 'manifest-sha512.txt', 'tagmanifest-sha256.txt']) {
      const tool = m.includes('512') ? 'sha512sum' : 'sha256sum';
      const report = run(tool, ['-c', '--strict', m], bag);
      expect(report).not.toMatch(/FAILED|WARNING/);
      expect(
        report
          .trim()
          .split('\n')
          .every((l) => l.endsWith(': OK')),
      ).toBe(true);
    }
  });

  it('openssl prints the key fingerprint and verifies the signature', async () => {
    const bag = join(dir, BAG_NAME);
    const fp = execFileSync(
      'sh',
      ['-c', 'openssl pkey -pubin -in signature/signing-key.pem -outform DER | sha256sum'],
      {
        cwd: bag,
        encoding: 'utf8',
      },
    );
    expect(fp.slice(0, 64)).toBe(t.fingerprint);
    expect(await opensslVerifyBag(bag)).toBe('Verified OK');
  });

  it('the commands printed in VERIFY.txt run as written', () => {
    const commands = bagInput(t.signer)
      .verifyText.split('\n')
      .filter((l) => l.startsWith('  ') && !l.startsWith('   ') && !l.includes('hashmark verify'))
      .map((l) => l.trim());
    expect(commands).toHaveLength(5);
    const fresh = mkdtempSync(join(tmpdir(), 'hashmark-verifytxt-'));
    try {
      writeFileSync(join(fresh, out.zipName), out.zip);
      const output = execFileSync('sh', ['-c', `set -e\n${commands.join('\n')}`], { cwd: fresh, encoding: 'utf8' });
      expect(output).toContain(`${out.zipSha256}  ${out.zipName}`);
      expect(output).toContain(`${t.fingerprint}  -`);
      expect(output).toContain('Verified OK');
      expect(output).not.toContain('FAILED');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('a ZIP re-made by Info-ZIP from the unzipped folder still verifies', async () => {
    run('zip', ['-qrX', 'rezipped.zip', BAG_NAME], dir);
    const r = await verifyPackage(new Uint8Array(readFileSync(join(dir, 'rezipped.zip'))), {
      keyFingerprint: t.fingerprint,
    });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
