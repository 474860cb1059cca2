import { checkTimeStampResponse, pemCertificateSubjects, TimestampError } from '@/utils/evidence/rfc3161';
import type { CustodyEvent } from '@/utils/evidence/types';
import { CAPTURE_TOKEN, SIGNATURE_TOKEN_PATH, TSA_CHAIN_PATH, captureFolderOf } from '../layout';
import { decodeText } from './bag';
import { CLOCK_TOLERANCE_MS, type Checks } from './checks';
import type { PackageContents, VerifyOptions } from './index';

/**
 * Trusted time, claim by claim (issue 14 finding 3). A .tsr proves something only through what
 * can be checked in it: its message imprint (the SHA-256 of the file it covers), its CMS
 * signature, the chain of its TSA certificate up to a root the recipient gives, and its time
 * between the times it must fall between. The signature's token and signature/tsa-chain.pem
 * are in no manifest and under no signature (the token is made after the signature, over its
 * bytes), so nothing else vouches for them: each claim is either checked here and said so, or
 * listed as unverified (never PASSED). tsa-chain.pem is only a set of candidate certificates
 * for building the chain to the given root, as openssl's -untrusted; it is trusted for nothing.
 */

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
const hexBytes = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const iso = (ms: number): string => new Date(ms).toISOString();

/** Which claim a TimestampError refutes, for the failure message. */
const REFUTED: Record<string, string> = {
  malformed: 'it is not a readable timestamp answer',
  'not-granted': 'the TSA did not grant it',
  imprint: 'its message imprint is not the SHA-256 of the file it covers',
  signature: 'its CMS signature is not valid',
  certificate: 'its TSA certificate is not a timestamping certificate',
  untrusted: 'its TSA certificate does not chain to the given TSA root',
  'bad-input': 'the given TSA root cannot be used',
};

/** Times a token must fall between, and the claims about them that could not be checked. */
interface Window {
  after: number | null;
  afterWhat: string;
  before: number | null;
  beforeWhat: string;
  open: string[];
}

/** The window of one token: a capture's between its start and the export; the signature's after both. */
function windowOf(path: string, c: PackageContents, folders: Set<string>, exportAt: number | null): Window {
  if (path === SIGNATURE_TOKEN_PATH) {
    const starts = [...folders].map((f) => c.captures.get(f)?.startedAt ?? null);
    const known = starts.filter((s): s is number => s !== null);
    const bounds = exportAt === null ? known : [exportAt, ...known];
    const after = bounds.length ? bounds.reduce((a, b) => Math.max(a, b)) : null;
    const open: string[] = [];
    if (exportAt === null)
      open.push('its time was not compared with the start of the export (no export.started event)');
    if (known.length < starts.length)
      open.push('its time was not compared with every capture (a start time is missing)');
    return {
      after,
      afterWhat: exportAt !== null ? 'the export and every capture started' : 'the last capture started',
      before: null,
      beforeWhat: '',
      open,
    };
  }
  const folder = captureFolderOf(path);
  const started = folder ? (c.captures.get(folder)?.startedAt ?? null) : null;
  const open: string[] = [];
  if (started === null) open.push('its time was not compared with the start of its capture (unknown)');
  if (exportAt === null) open.push('its time was not compared with the start of the export (no export.started event)');
  return { after: started, afterWhat: 'its capture started', before: exportAt, beforeWhat: 'the export started', open };
}

/** Null when genTime fits the window and is not in the future; else why not. */
function timeProblem(genTime: string, w: Window, now: number): string | null {
  const t = Date.parse(genTime);
  if (Number.isNaN(t)) return `its time ${JSON.stringify(genTime)} cannot be read`;
  if (w.after !== null && t < w.after - CLOCK_TOLERANCE_MS)
    return `it is dated ${genTime}, before ${iso(w.after)}, when what it certifies did not yet exist`;
  if (w.before !== null && t > w.before + CLOCK_TOLERANCE_MS)
    return `it is dated ${genTime}, after ${iso(w.before)}, when the export had already started`;
  if (t > now + CLOCK_TOLERANCE_MS) return `it is dated ${genTime}, in the future of this verification (${iso(now)})`;
  return null;
}

/** signature/tsa-chain.pem: readable certificates beside the signature's token, or a failure. */
function readChainFile(c: PackageContents, checks: Checks): { pem: string; subjects: string[] } | null {
  const bytes = c.kept.get(TSA_CHAIN_PATH);
  if (bytes === undefined) return null; // absent, or over its cap (already failed)
  const bad = (why: string): null => {
    checks.fail('timestamps', `${TSA_CHAIN_PATH} ${why}.`);
    return null;
  };
  if (!c.digests.has(SIGNATURE_TOKEN_PATH))
    return bad(`is present without ${SIGNATURE_TOKEN_PATH}; the exporter writes it only beside that token`);
  const t = decodeText(bytes);
  if ('problem' in t) return bad(t.problem);
  let subjects: string[];
  try {
    subjects = pemCertificateSubjects(t.text);
  } catch (e) {
    return bad(`is not readable PEM certificates (${errorText(e)})`);
  }
  if (subjects.length === 0) return bad('holds no certificate');
  return { pem: t.text, subjects };
}

/**
 * Every .tsr and signature/tsa-chain.pem, claim by claim. Claims checked pass with what was
 * checked; claims that could not be checked go to `unverified`; a refuted claim fails.
 */
export async function checkTimestamps(
  c: PackageContents,
  folders: Set<string>,
  start: CustodyEvent | null,
  usesTsa: boolean,
  opts: VerifyOptions,
  checks: Checks,
  unverified: string[],
): Promise<void> {
  const chain = readChainFile(c, checks);
  const tokens = [...c.kept.keys()].filter((p) => p.endsWith('.tsr')).sort();
  const exportAt = start ? Date.parse(start.at) : null;
  const now = (opts.now ?? new Date()).getTime();
  const rooted = opts.tsaRootsPem !== undefined;
  let unchained = 0;
  const openTimes = new Set<string>();
  for (const path of tokens) {
    const subject = path.slice(0, -'.tsr'.length);
    const d = c.digests.get(subject);
    if (!d) {
      checks.fail('timestamps', `${path}: the file it timestamps (${subject}) is missing.`);
      continue;
    }
    let r;
    try {
      r = await checkTimeStampResponse(c.kept.get(path)!, {
        digest: hexBytes(d.sha256),
        ...(rooted ? { trustedRootsPem: opts.tsaRootsPem } : {}),
        ...(rooted && chain ? { untrustedPem: chain.pem } : {}),
      });
    } catch (e) {
      const claim = e instanceof TimestampError ? REFUTED[e.kind] : undefined;
      checks.fail('timestamps', `${path}: ${claim ? `${claim}: ` : ''}${errorText(e)}.`);
      continue;
    }
    const w = windowOf(path, c, folders, Number.isNaN(exportAt) ? null : exportAt);
    const problem = timeProblem(r.genTime, w, now);
    if (problem) {
      checks.fail('timestamps', `${path}: ${problem}.`);
      continue;
    }
    const bounds = [
      ...(w.after !== null ? [`not before ${w.afterWhat} (${iso(w.after)})`] : []),
      ...(w.before !== null ? [`not after ${w.beforeWhat} (${iso(w.before)})`] : []),
      'not in the future',
    ];
    const claims = [
      `its message imprint equals the SHA-256 of ${subject}`,
      `its CMS signature is valid, by the timestamping certificate it carries (${r.signer})`,
      ...(rooted ? ["that certificate chains to the given TSA root at the token's time"] : []),
      `its time ${r.genTime} is ${bounds.join(', ')}`,
    ];
    if (!rooted && path !== SIGNATURE_TOKEN_PATH) unchained++;
    for (const o of w.open) openTimes.add(`${path}: ${o}`);
    if (path === SIGNATURE_TOKEN_PATH) {
      // Outside every manifest and signature by construction: each claim it makes is shown alone.
      for (const claim of claims) checks.pass('timestamps', `${path}: verified: ${claim}.`);
      if (!rooted) {
        unverified.push(
          `Trusted time of the signature: ${path} was not checked up to a timestamp authority's root certificate ` +
            `(give the TSA root, obtained from the TSA): whoever holds "${r.signer}" could have made it.`,
        );
      }
    } else checks.pass('timestamps', `${path}: verified: ${claims.join('; ')}.`);
  }
  if (unchained > 0) {
    unverified.push(
      `Trusted time: ${unchained} capture timestamp token(s) were not checked up to a timestamp authority's ` +
        'root certificate (give the TSA root, obtained from the TSA): anyone can make a token that looks like these.',
    );
  }
  // Listed one by one up to 5, so a package of thousands of captures still gives a readable report.
  const open = [...openTimes];
  for (const o of open.slice(0, 5)) unverified.push(`Trusted time: ${o}.`);
  if (open.length > 5) unverified.push(`Trusted time: ${open.length - 5} more such time comparisons were not made.`);
  if (chain) {
    const list = `${chain.subjects.length} certificate(s): ${chain.subjects.join('; ')}`;
    if (rooted) {
      checks.pass(
        'timestamps',
        `${TSA_CHAIN_PATH}: verified: its ${list} were offered only as candidates for the chain to the given ` +
          'TSA root; they are trusted for nothing by themselves.',
      );
    } else {
      unverified.push(
        `${TSA_CHAIN_PATH}: its ${list} were not checked against a TSA root (none given); ` +
          'the file is a candidate chain only, in no manifest and under no signature.',
      );
    }
  }
  if (usesTsa || tokens.length > 0) {
    const missing = [...folders].filter((f) => !c.digests.has(`${f}/${CAPTURE_TOKEN}`));
    if (!c.digests.has(SIGNATURE_TOKEN_PATH)) missing.push('signature');
    if (missing.length) {
      unverified.push(
        `Trusted time: ${missing.length} item(s) have no timestamp token (${missing.slice(0, 5).join(', ')}` +
          `${missing.length > 5 ? ', …' : ''}); their time rests on the investigator's clock only.`,
      );
    }
  }
}
