// Team store CLI (issue 18): push, pull and store check declare and check the store options in one
// place (cli/store-env.ts), so a rule added there (TLS, credentials from the environment only) holds
// for every command, and a malformed command line is a usage error (exit 2), never a crash.
import { describe, expect, it } from 'vitest';
import { fingerprintArg, storeTargetArgs, UsageError } from '../../../cli/store-env';

const env = { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK', AWS_ENDPOINT_URL: 'http://127.0.0.1:7480' };

describe('storeTargetArgs', () => {
  it('reads the shared store options and the command’s own', () => {
    const r = storeTargetArgs(
      ['--store', 's3://evidence/unit/a', '--region', 'eu-west-3', '--case', 'c1'],
      { case: { type: 'string' } },
      { env },
    );
    expect(r.loc).toEqual({
      target: {
        endpoint: 'http://127.0.0.1:7480',
        bucket: 'evidence',
        region: 'eu-west-3',
        credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
      },
      prefix: 'unit/a',
    });
    expect(r.values.case).toBe('c1');
  });

  it('refuses, as usage errors: an unknown option, positionals where none are taken, a missing secret, http off loopback', () => {
    const call =
      (args: string[], e: Record<string, string> = env, positionals = false) =>
      () =>
        storeTargetArgs(args, {}, { env: e, positionals });
    expect(call(['--store', 's3://evidence', '--bucket', 'x'])).toThrow(UsageError);
    expect(call(['--store', 's3://evidence', 'a.zip'])).toThrow(UsageError);
    expect(call(['--store', 's3://evidence', 'a.zip'], env, true)()).toMatchObject({ positionals: ['a.zip'] });
    expect(call(['--store', 's3://evidence'], { ...env, AWS_SECRET_ACCESS_KEY: '' })).toThrow(/AWS_SECRET_ACCESS_KEY/);
    expect(call(['--store', 's3://evidence', '--endpoint', 'http://s3.example'])).toThrow(/https/);
    expect(call([])).toThrow(/--store/);
  });

  it('checks a pinned key fingerprint', () => {
    expect(fingerprintArg(undefined)).toBeUndefined();
    expect(fingerprintArg('ab'.repeat(32))).toBe('ab'.repeat(32));
    expect(() => fingerprintArg('abc')).toThrow(UsageError);
  });
});
