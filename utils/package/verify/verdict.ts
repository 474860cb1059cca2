import { verifyCustodyChain } from '@/utils/evidence/custody-log';
import { derToP1363, keyFingerprint, pemToDer, verifyDer } from '@/utils/evidence/signing';
import type { CustodyEvent } from '@/utils/evidence/types';
import { BAGIT_TXT, SIGNATURE_ALGORITHM } from '../bag-writer';
import { CASE_PATH, CUSTODY_PATH, SIGNATURE_PATH, SIGNING_KEY_PATH, TAGGED_FILES, captureFolderOf } from '../layout';
import { decodeText, parseBagInfo, parseManifest } from './bag';
import { checkCaptureArtifacts } from './captures';
import { checkTimestamps } from './timestamps';
import { checkHarvests } from './harvest';
import { checkCaseUco } from './case-uco';
import {
  Checks,
  checkCaptures,
  checkCustodyAgainstCase,
  checkGroup,
  checkSigner,
  readCaseJson,
  type CaseView,
  type VerifyGroupInfo,
} from './checks';
import { checkCustodyOrder } from './custody-checks';
import type { PackageContents, Verdict, VerifyOptions, VerifyReport } from './index';

/**
 * From the streamed contents to the verdict: the tag files, manifests, signature, key,
 * timestamps, custody log and case, each as checks; then PASSED only when nothing failed and
 * no claim stands unverified. Also the plain-text report and the check of a set of parts.
 */

const ALGORITHMS = [
  { name: 'SHA-256', key: 'sha256', hexLength: 64 },
  { name: 'SHA-512', key: 'sha512', hexLength: 128 },
] as const;
const REQUIRED_INFO_LABELS = [
  'Source-Organization',
  'Contact-Name',
  'External-Identifier',
  'External-Description',
  'Bagging-Date',
  'Payload-Oxum',
  'Bag-Software-Agent',
  'Evidence-Signature-Algorithm',
  'Evidence-Signing-Key-SHA256',
] as const;
/** Labels whose value the verifier relies on: a second copy would make them ambiguous. */
const SINGLE_INFO_LABELS = new Set([
  'Payload-Oxum',
  'Evidence-Signature-Algorithm',
  'Evidence-Signing-Key-SHA256',
  'Bag-Count',
]);

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');

/** UTF-8 text of a kept file, or null after recording why not. */
function textOf(c: PackageContents, path: string, id: string, checks: Checks): string | null {
  const bytes = c.kept.get(path);
  if (bytes === undefined) {
    if (!c.unreadable.has(path)) checks.fail(id, `${path} is missing.`);
    return null;
  }
  const t = decodeText(bytes);
  if ('problem' in t) {
    checks.fail(id, `${path} ${t.problem}.`);
    return null;
  }
  return t.text;
}

/** bagit.txt and bag-info.txt; returns a reader of bag-info values. */
function checkTagFiles(c: PackageContents, checks: Checks): (label: string) => string | null {
  const bagit = textOf(c, 'bagit.txt', 'bagit', checks);
  if (bagit !== null && bagit !== BAGIT_TXT) {
    checks.fail(
      'bagit',
      'bagit.txt does not declare "BagIt-Version: 1.0" and "Tag-File-Character-Encoding: UTF-8" exactly.',
    );
  }
  checks.settle('bagit', 'bagit.txt declares BagIt 1.0, UTF-8.');

  const infoText = textOf(c, 'bag-info.txt', 'bag-info', checks);
  const info = infoText === null ? null : parseBagInfo(infoText);
  const value = (label: string): string | null => info?.values.get(label)?.[0] ?? null;
  if (info) {
    for (const p of info.problems) checks.fail('bag-info', `${p}.`);
    for (const label of REQUIRED_INFO_LABELS)
      if (!info.values.has(label)) checks.fail('bag-info', `bag-info.txt has no ${label}.`);
    for (const [label, list] of info.values) {
      if (SINGLE_INFO_LABELS.has(label) && list.length > 1)
        checks.fail('bag-info', `bag-info.txt gives ${label} more than once.`);
    }
    const algorithm = value('Evidence-Signature-Algorithm');
    if (algorithm !== null && algorithm !== SIGNATURE_ALGORITHM) {
      checks.fail(
        'bag-info',
        `bag-info.txt names the signature algorithm ${algorithm}; this verifier knows only ${SIGNATURE_ALGORITHM}.`,
      );
    }
    const fp = value('Evidence-Signing-Key-SHA256');
    if (fp !== null && !/^[0-9a-f]{64}$/.test(fp))
      checks.fail('bag-info', 'bag-info.txt Evidence-Signing-Key-SHA256 is not 64 lowercase hex digits.');
    const date = value('Bagging-Date');
    if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date))
      checks.fail('bag-info', 'bag-info.txt Bagging-Date is not YYYY-MM-DD.');
  }
  checks.settle('bag-info', 'bag-info.txt has every required field.');
  return value;
}

/** Payload and tag manifests against the streamed digests; Payload-Oxum. */
function checkManifests(c: PackageContents, oxum: string | null, checks: Checks): { files: number; bytes: number } {
  const payload = [...c.digests].filter(([p]) => p.startsWith('data/'));
  const files = payload.length;
  const bytes = payload.reduce((n, [, d]) => n + d.bytes, 0);
  const payloadPaths = new Set(payload.map(([p]) => p));
  for (const alg of ALGORITHMS) {
    const file = `manifest-${alg.key}.txt`;
    const id = `manifest-${alg.key}`;
    const t = textOf(c, file, id, checks);
    if (t === null) continue;
    const m = parseManifest(file, t, alg.hexLength);
    for (const p of m.problems) checks.fail(id, `${p}.`);
    for (const [path, hex] of m.entries) {
      if (!path.startsWith('data/')) {
        checks.fail(id, `${file} lists ${path}, which is not a payload file (payload paths start with data/).`);
        continue;
      }
      const d = c.digests.get(path);
      if (d === undefined) checks.fail(id, `${path}: listed in ${file} but missing from the package.`);
      else if (d[alg.key] !== hex) checks.fail(id, `${path}: ${alg.name} does not match the manifest.`);
    }
    for (const path of payloadPaths) {
      if (!m.entries.has(path))
        checks.fail(id, `${path}: this file is not listed in ${file} (it was added to the package).`);
    }
    checks.settle(id, `All ${files} payload files are listed in ${file} and match their ${alg.name}.`);
  }
  const tagged = new Set<string>(TAGGED_FILES);
  for (const alg of ALGORITHMS) {
    const file = `tagmanifest-${alg.key}.txt`;
    const id = `tagmanifest-${alg.key}`;
    const t = textOf(c, file, id, checks);
    if (t === null) continue;
    const m = parseManifest(file, t, alg.hexLength);
    for (const p of m.problems) checks.fail(id, `${p}.`);
    for (const path of TAGGED_FILES) if (!m.entries.has(path)) checks.fail(id, `${file} does not list ${path}.`);
    for (const [path, hex] of m.entries) {
      const d = c.digests.get(path);
      if (!tagged.has(path))
        checks.fail(id, `${file} lists ${path}, which is not one of the tag files it should cover.`);
      else if (d === undefined) checks.fail(id, `${path}: listed in ${file} but missing from the package.`);
      else if (d[alg.key] !== hex) {
        checks.fail(
          id,
          `${path}: ${alg.name} does not match ${file} (the file was changed after the package was made).`,
        );
      }
    }
    checks.settle(id, `${file} covers ${TAGGED_FILES.join(', ')} and they match.`);
  }
  checks.settle(
    'unexpected-files',
    'There are no files outside data/, the tag files and signature/, and every name is one the exporter writes.',
  );
  const actual = `${bytes}.${files}`;
  if (oxum === null) checks.fail('payload-oxum', 'Payload-Oxum cannot be checked: bag-info.txt does not give it.');
  else if (oxum !== actual) {
    checks.fail(
      'payload-oxum',
      `Payload-Oxum in bag-info.txt is ${oxum} (bytes.files), but data/ holds ${actual}: files were added, removed or changed in size.`,
    );
  } else checks.pass('payload-oxum', `Payload-Oxum matches: ${files} files, ${bytes} bytes.`);
  return { files, bytes };
}

/** The signature over tagmanifest-sha256.txt, the key's fingerprint, and the pinned key. */
async function checkSignature(
  c: PackageContents,
  declared: string | null,
  opts: VerifyOptions,
  checks: Checks,
  unverified: string[],
): Promise<string | null> {
  let fingerprint: string | null = null;
  let spki: Uint8Array | null = null;
  const pem = textOf(c, SIGNING_KEY_PATH, 'signature', checks);
  if (pem !== null) {
    try {
      spki = pemToDer(pem);
      fingerprint = await keyFingerprint(spki);
    } catch (e) {
      checks.fail('signature', `${SIGNING_KEY_PATH} is not a readable public key (${errorText(e)}).`);
    }
  }
  const sig = c.kept.get(SIGNATURE_PATH);
  if (sig === undefined && !c.unreadable.has(SIGNATURE_PATH))
    checks.fail('signature', `${SIGNATURE_PATH} is missing: the package is not signed.`);
  const signed = c.kept.get('tagmanifest-sha256.txt');
  if (spki && sig && signed) {
    let wellFormed = true;
    try {
      derToP1363(sig);
    } catch (e) {
      wellFormed = false;
      checks.fail('signature', `${SIGNATURE_PATH} is not a valid DER ECDSA P-384 signature (${errorText(e)}).`);
    }
    if (wellFormed && !(await verifyDer(spki, sig, signed))) {
      checks.fail(
        'signature',
        `The signature in ${SIGNATURE_PATH} does not match tagmanifest-sha256.txt and ${SIGNING_KEY_PATH}: the package was changed after it was signed, or the key was swapped.`,
      );
    }
  } else if (!signed) checks.fail('signature', 'The signature cannot be checked: tagmanifest-sha256.txt is missing.');
  checks.settle('signature', `The signature over tagmanifest-sha256.txt is valid for the key in ${SIGNING_KEY_PATH}.`);

  if (fingerprint === null)
    checks.fail('key-fingerprint', 'The signing key fingerprint cannot be checked: there is no readable signing key.');
  else if (declared === null) {
    checks.fail(
      'key-fingerprint',
      'The signing key fingerprint cannot be checked: bag-info.txt does not give Evidence-Signing-Key-SHA256.',
    );
  } else if (declared !== fingerprint) {
    checks.fail(
      'key-fingerprint',
      `bag-info.txt gives the signing key fingerprint ${declared}, but ${SIGNING_KEY_PATH} has fingerprint ${fingerprint}.`,
    );
  } else
    checks.pass(
      'key-fingerprint',
      `The signing key fingerprint in bag-info.txt matches ${SIGNING_KEY_PATH}: ${fingerprint}.`,
    );

  if (opts.keyFingerprint !== undefined) {
    const pinned = opts.keyFingerprint.replace(/[\s:]/g, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(pinned))
      checks.fail('pinned-key', 'The expected (pinned) key fingerprint given to the verifier is not 64 hex digits.');
    else if (fingerprint === null)
      checks.fail(
        'pinned-key',
        `Pinned key check failed: the package has no readable signing key, expected ${pinned}.`,
      );
    else if (pinned !== fingerprint) {
      checks.fail(
        'pinned-key',
        `Pinned key check failed: the package was signed with key ${fingerprint}, not the expected key ${pinned}.`,
      );
    } else checks.pass('pinned-key', `The package was signed with the expected (pinned) key ${pinned}.`);
  } else if (fingerprint !== null) {
    unverified.push(
      `Who signed: the signing key fingerprint ${fingerprint} was not compared with one obtained from the investigator separately ` +
        '(give the expected key fingerprint).',
    );
  }
  return fingerprint;
}

/** The custody log: chain, time order; returns its events, its SHA-256 and this export's start. */
function checkCustody(
  c: PackageContents,
  kase: CaseView | null,
  checks: Checks,
): { events: CustodyEvent[] | null; sha256: string | null; start: CustodyEvent | null } {
  if (!c.kept.has(CUSTODY_PATH) && !c.unreadable.has(CUSTODY_PATH)) {
    checks.fail('custody', `${CUSTODY_PATH} is missing: every package carries its case's custody log.`);
    return { events: null, sha256: null, start: null };
  }
  const jsonl = textOf(c, CUSTODY_PATH, 'custody', checks);
  const sha256 = c.digests.get(CUSTODY_PATH)?.sha256 ?? null;
  if (jsonl === null) return { events: null, sha256, start: null };
  const chain = verifyCustodyChain(jsonl);
  for (const err of chain.errors) checks.fail('custody', `${CUSTODY_PATH} ${err}.`);
  checks.settle('custody', `The custody log ${CUSTODY_PATH} is an unbroken chain of ${chain.events.length} events.`);
  const start = checkCustodyOrder(chain.events, kase?.exportId ?? null, checks);
  return { events: chain.events, sha256, start };
}

/** Runs every check on the streamed contents and gives the verdict. */
export async function checkBag(c: PackageContents, opts: VerifyOptions, checks: Checks): Promise<VerifyReport> {
  const unverified: string[] = [];
  const info = checkTagFiles(c, checks);
  const payload = checkManifests(c, info('Payload-Oxum'), checks);
  const fingerprint = await checkSignature(c, info('Evidence-Signing-Key-SHA256'), opts, checks, unverified);

  const caseText = textOf(c, CASE_PATH, 'case-json', checks);
  const kase = readCaseJson(caseText, checks);
  checks.settle(
    'case-json',
    kase
      ? kase.profile === 'capture'
        ? `${CASE_PATH} describes a capture bag of case ${kase.caseId}: capture ${kase.captures[0]?.captureId ?? '?'}, bag ${kase.exportId}.`
        : `${CASE_PATH} describes case ${kase.caseId}, export ${kase.exportId}, part ${kase.part} of ${kase.parts}.`
      : `${CASE_PATH} was read.`,
  );
  const custody = checkCustody(c, kase, checks);
  checkSigner(fingerprint, kase, custody.start, checks);

  const folders = new Set<string>();
  for (const path of c.digests.keys()) {
    const f = captureFolderOf(path);
    if (f) folders.add(f);
  }
  const usesTsa = custody.events?.some((e) => e.type.startsWith('timestamp.')) ?? false;
  await checkTimestamps(c, folders, custody.start, usesTsa, opts, checks, unverified);

  let group: VerifyGroupInfo | null = null;
  const payloadDigests = new Map([...c.digests].filter(([p]) => p.startsWith('data/')));
  if (kase) {
    checkCaptures(kase, folders, payloadDigests, checks);
    checkCaptureArtifacts(c.captures, folders, payloadDigests, checks);
    checkHarvests(c.captures, c.kept, payloadDigests, checks);
    checkCaseUco(c, kase, checks);
    if (custody.events) checkCustodyAgainstCase(kase, custody.events, folders, payloadDigests, checks);
    group = checkGroup(kase, info('Bag-Count'), info('Bag-Group-Identifier'), checks);
  }
  const ok = checks.list.length > 0 && checks.list.every((x) => x.ok);
  const verdict: Verdict = !ok ? 'failed' : unverified.length ? 'unverified' : 'passed';
  return {
    ok,
    verdict,
    unverified: ok ? unverified : [],
    bagName: c.bagName,
    fingerprint,
    payloadFiles: payload.files,
    payloadBytes: payload.bytes,
    caseId: kase?.caseId ?? null,
    exportId: kase?.exportId ?? null,
    profile: kase?.profile ?? null,
    captures: folders.size,
    group,
    custodySha256: custody.sha256,
    checks: checks.list,
  };
}
