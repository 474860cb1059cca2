// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, expect, test } from 'vitest';
import { VerifyPackagePanel } from '@/components/VerifyPackage';
import { createDb } from '@/utils/db';
import { sha256Hex } from '@/utils/evidence/hash';
import { sha256OfBlob, verifyPackage } from '@/utils/package/verify';
import { makeBag, unzipFiles, zipFiles } from '../helpers/bag-fixture';
import { createTestSigner } from '../helpers/signer';
import { renderWith } from './render';

const db = createDb('verify-unused');
afterEach(() => cleanup());

async function choose(bytes: Uint8Array, lang: 'en' | 'ar' = 'en', pinned = '') {
  renderWith(<VerifyPackagePanel verify={verifyPackage} sha256={sha256OfBlob} />, { db, lang });
  if (pinned) fireEvent.input(document.querySelector('input[name=fingerprint]')!, { target: { value: pinned } });
  const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
  const file = new File([bytes as BlobPart], 'case.zip', { type: 'application/zip' });
  Object.defineProperty(input, 'files', { value: [file] });
  fireEvent.change(input);
  fireEvent.submit(input.form!);
}

test('a good package: verified, with its ZIP hash, fingerprint and every check passed', async () => {
  const signer = await createTestSigner();
  const bag = await makeBag(signer.signer);
  await choose(bag.zip, 'en', signer.fingerprint);
  await waitFor(() => expect(document.querySelector('.verify-report')?.getAttribute('data-verdict')).toBe('passed'));
  expect(screen.getByRole('heading', { name: 'Verified: every check passed.' })).toBeTruthy();
  expect(document.querySelector('.zip-sha256')!.textContent).toBe(await sha256Hex(bag.zip));
  expect(document.querySelectorAll('.check[data-ok=false]')).toHaveLength(0);
  expect(document.querySelector('.check[data-check=signature] strong')!.textContent).toBe('Signature');
});

test('a good package with no expected key: intact, but who signed it is listed as unverified', async () => {
  const signer = await createTestSigner();
  const bag = await makeBag(signer.signer);
  await choose(bag.zip);
  await waitFor(() =>
    expect(document.querySelector('.verify-report')?.getAttribute('data-verdict')).toBe('unverified'),
  );
  expect(screen.getByRole('heading', { name: /^Intact, but not fully verified/ })).toBeTruthy();
  expect(document.querySelector('.unverified li')!.textContent).toMatch(
    /^Who signed: the signing key fingerprint [0-9a-f]{64}/,
  );
  expect(document.querySelectorAll('.check[data-ok=false]')).toHaveLength(0);
});

test('a tampered package: failures first, named in the interface language, explained by the verifier', async () => {
  const signer = await createTestSigner();
  const bag = await makeBag(signer.signer);
  const files = await unzipFiles(bag.zip);
  const victim = [...files.keys()].find((n) => n.endsWith('/data/case.json'))!;
  files.set(victim, new TextEncoder().encode('{"tampered":true}'));
  await choose(await zipFiles(files), 'ar');
  await waitFor(() => expect(document.querySelector('.verify-report')?.getAttribute('data-ok')).toBe('false'));
  const first = document.querySelector('.check')!;
  expect(first.getAttribute('data-ok')).toBe('false');
  expect(document.querySelector('#verify-verdict')!.textContent).toMatch(/^لم يتم التحقق/);
  expect(first.querySelector('.check-message')!.getAttribute('lang')).toBe('en');
});

test('a malformed expected fingerprint is refused before verifying', async () => {
  renderWith(<VerifyPackagePanel verify={verifyPackage} sha256={sha256OfBlob} />, { db });
  fireEvent.input(screen.getByLabelText('Expected key fingerprint (optional)'), { target: { value: 'abc' } });
  expect(screen.getByText('A fingerprint is 64 hexadecimal digits.')).toBeTruthy();
  expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Verify' }).disabled).toBe(true);
});

test('every check id the shared verifier emits has a name in the interface languages', async () => {
  const { readFile } = await import('node:fs/promises');
  const { readdir } = await import('node:fs/promises');
  const dir = 'utils/package/verify';
  const files = await readdir(dir);
  const source = (await Promise.all(files.map((f) => readFile(`${dir}/${f}`, 'utf8')))).join('\n');
  const ids = new Set([...source.matchAll(/\b(?:fail|pass|settle)\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]!));
  expect(ids.size).toBeGreaterThan(10);
  const { CHECK_KEYS } = await import('@/components/VerifyPackage');
  expect([...ids].filter((id) => !CHECK_KEYS[id])).toEqual([]);
});

test('the TSA root chosen in the panel is handed to the verifier as PEM text, with the pinned key', async () => {
  const seen: { keyFingerprint?: string; tsaRootsPem?: string }[] = [];
  const signer = await createTestSigner();
  const bag = await makeBag(signer.signer);
  renderWith(
    <VerifyPackagePanel
      verify={(zip, opts) => {
        seen.push(opts);
        return verifyPackage(zip, opts);
      }}
      sha256={sha256OfBlob}
    />,
    { db },
  );
  fireEvent.input(document.querySelector('input[name=fingerprint]')!, { target: { value: signer.fingerprint } });
  const root = document.querySelector<HTMLInputElement>('input[name=tsa-root]')!;
  Object.defineProperty(root, 'files', { value: [new File(['-----BEGIN CERTIFICATE-----\n'], 'root.pem')] });
  fireEvent.change(root);
  const input = document.querySelector<HTMLInputElement>('input[name=package]')!;
  Object.defineProperty(input, 'files', { value: [new File([bag.zip as BlobPart], 'case.zip')] });
  fireEvent.change(input);
  fireEvent.submit(input.form!);
  await waitFor(() => expect(document.querySelector('.verify-report')).toBeTruthy());
  expect(seen).toEqual([{ keyFingerprint: signer.fingerprint, tsaRootsPem: '-----BEGIN CERTIFICATE-----\n' }]);
  expect(screen.getByLabelText('TSA root certificate (optional, PEM)')).toBeTruthy();
});
