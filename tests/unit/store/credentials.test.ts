// Why: the uploader's secret key is at rest under a passphrase; a wrong passphrase or a changed record
// must fail, and the store settings' validator must refuse what could leak or mislead (no TLS, bad bucket).
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, validateStoreConfig, type StoreConfig } from '@/utils/store';
import { backoffMs, credentialsOf } from '@/utils/services/store-push';

const config: StoreConfig = {
  endpoint: 'https://s3.unit.example',
  bucket: 'evidence',
  prefix: 'ocrteh/benali',
  region: 'us-east-1',
  retentionDays: 3650,
  pushExports: true,
  accessKeyId: 'AKIAUPLOADER01',
  secret: { kind: 'plain', secretAccessKey: 's3cr3t' },
};

describe('store credentials and settings', () => {
  it('seals the secret under a passphrase: opens with it, not with another or when changed', async () => {
    const sealed = await sealSecret('wJalrXUtnFEMI/K7MDENG', 'correct horse battery', 1000);
    expect(JSON.stringify(sealed)).not.toContain('wJalrXUtnFEMI');
    expect(await openSecret(sealed, 'correct horse battery')).toBe('wJalrXUtnFEMI/K7MDENG');
    await expect(openSecret(sealed, 'correct horse battery!')).rejects.toThrow(/Wrong passphrase/);
    const flipped = { ...sealed, ciphertext: (sealed.ciphertext[0] === 'A' ? 'B' : 'A') + sealed.ciphertext.slice(1) };
    await expect(openSecret(flipped, 'correct horse battery')).rejects.toThrow(/Wrong passphrase/);
    await expect(sealSecret('x', 'short')).rejects.toThrow(/8 characters/);
  });

  it('validates the store settings: TLS except loopback, bucket, retention, secret', () => {
    expect(validateStoreConfig(config)).toBeNull();
    expect(validateStoreConfig({ ...config, endpoint: 'http://127.0.0.1:7480' })).toBeNull();
    expect(validateStoreConfig({ ...config, endpoint: 'http://s3.unit.example' })).toMatch(/https/);
    expect(validateStoreConfig({ ...config, bucket: 'Evidence' })).toMatch(/bucket/);
    expect(validateStoreConfig({ ...config, retentionDays: 0 })).toMatch(/Retention/);
    expect(validateStoreConfig({ ...config, secret: { kind: 'plain', secretAccessKey: '' } })).toMatch(/secret/);
  });

  it('gives credentials only when the secret is plain or unsealed; backs off 30 s doubling to 1 h', () => {
    expect(credentialsOf(config, null)).toEqual({ accessKeyId: 'AKIAUPLOADER01', secretAccessKey: 's3cr3t' });
    const sealedConfig = { ...config, secret: { kind: 'sealed' as const, sealed: {} as never } };
    expect(credentialsOf(sealedConfig, null)).toBeNull();
    expect(credentialsOf(sealedConfig, 'k')?.secretAccessKey).toBe('k');
    expect([1, 2, 3, 20].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 3_600_000]);
  });
});
