import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * What a recipient runs on an unpacked bag (README, "Verify a package"): openssl checks the
 * signature over tagmanifest-sha256.txt with the bag's own public key. Returns openssl's answer.
 */
export async function opensslVerifyBag(bag: string): Promise<string> {
  const v = await run(
    'openssl',
    [
      'dgst',
      '-sha256',
      '-verify',
      'signature/signing-key.pem',
      '-signature',
      'signature/tagmanifest-sha256.txt.sig',
      'tagmanifest-sha256.txt',
    ],
    { cwd: bag },
  );
  return v.stdout.trim();
}
