import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toBufferSource, toHex } from './hash';

/**
 * RFC 3161 trusted time: build a TimeStampReq, send it to a timestamp authority (TSA), and accept
 * the answer only if it is a granted, well-formed, correctly signed token over OUR digest with OUR
 * nonce. Issue #4 item 1.
 *
 * What a .tsr file holds: the TSA's whole answer, the DER TimeStampResp (status + token), exactly
 * as received. That is what `openssl ts -verify -data F -in F.tsr -CAfile root.pem` reads (the
 * command in evidence-package-v1.md); the bare token (`-token_in`) is also returned, for callers
 * that need it, but is not what goes into packages.
 *
 * What is checked here, and what is not: structure, status, imprint, nonce, the CMS signature with
 * the TSA certificate carried in the token, that this certificate is bound to the signature
 * (ESS signing-certificate attribute) and is a timestamping certificate (critical EKU
 * timeStamping, RFC 3161 §2.3). Whether that certificate chains to a root the reader trusts is
 * decided later, by the verifier, with the TSA's published root ({@link checkTimeStampResponse}
 * with `trustedRootsPem`, or openssl -CAfile): at capture time the extension has no root to
 * compare with, and trust must not come from the token itself.
 *
 * Runs in the service worker, extension pages and Node 20 (fetch, WebCrypto, asn1js, pkijs).
 */

/** Requests abort before this: a capture must never wait on a TSA for 30 s or more. */
const MAX_TIMEOUT_MS = 29_000;
const DEFAULT_TIMEOUT_MS = 25_000;
/** Real tokens are a few KiB (with the TSA's chain); anything this large is not a token. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** Nonce length sent with every request (64 random bits, as openssl ts -query). */
const NONCE_BYTES = 8;

const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const OID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_KP_TIMESTAMPING = '1.3.6.1.5.5.7.3.8';
const OID_SHA1 = '1.3.14.3.2.26';

/** Why a timestamp could not be obtained (for callers that react differently; the message is for people). */
export type TimestampErrorKind =
  | 'bad-input'
  | 'unreachable'
  | 'timeout'
  | 'http'
  | 'not-granted'
  | 'malformed'
  | 'imprint'
  | 'nonce'
  | 'signature'
  | 'certificate'
  | 'untrusted';

/** Every failure to obtain or accept a timestamp. `message` is a plain sentence for the custody log and the UI. */
export class TimestampError extends Error {
  override name = 'TimestampError';
  constructor(
    readonly kind: TimestampErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** An accepted timestamp. */
export interface TimestampResult {
  /**
   * The TSA's whole answer (DER TimeStampResp) as received: WRITE THESE BYTES TO .tsr FILES.
   * `openssl ts -verify -data <file> -in <file>.tsr -CAfile <root>` reads this form.
   */
  tsr: Uint8Array;
  /** The TimeStampToken alone (DER ContentInfo / CMS SignedData) inside `tsr`; openssl reads it with `-token_in`. */
  token: Uint8Array;
  /** The TSA's time (TSTInfo genTime), ISO 8601 UTC with milliseconds. */
  genTime: string;
  /** TSTInfo serialNumber, lowercase hex. */
  serial: string;
  /** TSA policy OID. */
  policy: string;
  /** TSTInfo tsa field, when the TSA names itself ("CN=..., O=..., C=..."). */
  tsaName?: string;
  /** Subject of the certificate that signed the token. */
  signer: string;
  /** Every certificate carried in the token, PEM, concatenated (signer first as the TSA sent them). */
  certificatesPem: string;
  /** genTime minus the local clock when the answer arrived, in ms (positive: the local clock is behind). */
  skewMs: number;
  /** PKIStatus: granted (0) or grantedWithMods (1). */
  status: 'granted' | 'grantedWithMods';
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Magnitude of a non-negative integer: big-endian bytes without leading zero bytes ([] for 0). */
function magnitude(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** A positive DER INTEGER with the value of the unsigned big-endian `bytes`. */
function unsignedInteger(bytes: Uint8Array): asn1js.Integer {
  const m = magnitude(bytes);
  const body = m.length === 0 ? Uint8Array.of(0) : (m[0] ?? 0) & 0x80 ? Uint8Array.from([0, ...m]) : Uint8Array.from(m);
  return new asn1js.Integer({ valueHex: body.buffer });
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** DER certificate as PEM, 64-character lines, trailing newline. */
function certificateToPem(der: Uint8Array): string {
  const lines = base64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Every `CERTIFICATE` block of a PEM text, as DER. */
function pemCertificates(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) {
    const b64 = (m[1] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0)
      throw new Error('PEM: a certificate block is not valid base64');
    const bin = atob(b64);
    const der = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) der[i] = bin.charCodeAt(i);
    out.push(der);
  }
  return out;
}

const NAME_LABELS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** "CN=..., O=..., C=..." (most specific first, as RFC 4514 prints names). */
function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return [...name.typesAndValues]
    .reverse()
    .map((tv) => {
      const label = NAME_LABELS[tv.type] ?? tv.type;
      const v = tv.value as { valueBlock?: { value?: unknown } };
      const value = typeof v.valueBlock?.value === 'string' ? v.valueBlock.value : '?';
      return `${label}=${value}`;
    })
    .join(', ');
}

function generalNameText(g: pkijs.GeneralName): string {
  if (g.type === 4 && g.value instanceof pkijs.RelativeDistinguishedNames) return nameText(g.value);
  if (typeof g.value === 'string') return g.value;
  return `(name of type ${g.type})`;
}

/** Parses exactly one DER/BER element filling `bytes`. */
function parseOne(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(toBufferSource(bytes));
  if (parsed.offset === -1 || parsed.result.error) {
    throw new TimestampError(
      'malformed',
      `${what} is not valid ASN.1 (${parsed.result.error || 'cannot be decoded'}).`,
    );
  }
  if (parsed.offset !== bytes.length) {
    throw new TimestampError(
      'malformed',
      `${what} has ${bytes.length - parsed.offset} unexpected bytes after its end.`,
    );
  }
  return parsed.result;
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
}

// ---------------------------------------------------------------------------------------------
// Request.

/**
 * DER TimeStampReq (RFC 3161 §2.4.1): version 1, SHA-256 message imprint, the nonce as a positive
 * INTEGER, certReq true (the TSA includes its certificate, so the token can be checked without
 * fetching anything).
 * @throws TimestampError (bad-input) if `sha256` is not 32 bytes or `nonce` is empty.
 */
export function buildTimeStampRequest(sha256: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (sha256.length !== 32)
    throw new TimestampError('bad-input', `A SHA-256 digest has 32 bytes, not ${sha256.length}.`);
  if (nonce.length === 0 || nonce.length > 32)
    throw new TimestampError('bad-input', 'The nonce must have 1 to 32 bytes.');
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      // NULL parameters, as openssl ts -query sends them (some TSAs reject absent parameters).
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: Uint8Array.from(sha256).buffer }),
    }),
    nonce: unsignedInteger(nonce),
    certReq: true,
  });
  return new Uint8Array(req.toSchema().toBER(false));
}

// ---------------------------------------------------------------------------------------------
// Response.

const STATUS_NAMES = [
  'granted',
  'grantedWithMods',
  'rejection',
  'waiting',
  'revocationWarning',
  'revocationNotification',
];
const FAIL_INFO_NAMES: Record<number, string> = {
  0: 'unsupported algorithm',
  2: 'badly formed request',
  5: 'bad data format',
  14: 'the requested time is not available',
  15: 'unaccepted policy',
  16: 'unaccepted extension',
  17: 'additional information not available',
  25: 'system failure',
};

/** "rejection: Message digest algorithm is not supported. (unsupported algorithm)". */
function statusText(info: pkijs.PKIStatusInfo): string {
  const parts = [STATUS_NAMES[info.status] ?? `status ${info.status}`];
  const texts = (info.statusStrings ?? [])
    .map((s) => s.valueBlock?.value)
    .filter((s): s is string => typeof s === 'string' && s.length > 0);
  if (texts.length)
    parts.push(
      `"${texts
        .join(' ')
        .replace(/[\u0000-\u001f\u007f]/g, ' ')
        .slice(0, 300)}"`,
    );
  const bits = info.failInfo?.valueBlock.valueHexView;
  if (bits && bits.length) {
    const reasons: string[] = [];
    bits.forEach((byte, i) => {
      for (let b = 0; b < 8; b++)
        if (byte & (0x80 >> b)) reasons.push(FAIL_INFO_NAMES[i * 8 + b] ?? `failure code ${i * 8 + b}`);
    });
    if (reasons.length) parts.push(`(${reasons.join(', ')})`);
  }
  return parts.join(' ');
}

/** The pieces of a parsed answer, before any judgement about digest or nonce. */
interface ParsedResponse {
  status: number;
  statusText: string;
  tsr: Uint8Array;
  token: Uint8Array | null;
  signedData: pkijs.SignedData | null;
  /** Raw DER of every certificate in the token, in order. */
  certificates: Uint8Array[];
  eContent: Uint8Array | null;
  tstInfo: pkijs.TSTInfo | null;
}

function parseResponse(der: Uint8Array): ParsedResponse {
  if (der.length === 0) throw new TimestampError('malformed', 'The answer is empty.');
  const root = parseOne(der, 'The answer');
  let resp: pkijs.TimeStampResp;
  try {
    resp = new pkijs.TimeStampResp({ schema: root });
  } catch (e) {
    throw new TimestampError('malformed', `The answer is not an RFC 3161 timestamp response (${errorText(e)}).`);
  }
  const base: ParsedResponse = {
    status: resp.status.status,
    statusText: statusText(resp.status),
    tsr: der,
    token: null,
    signedData: null,
    certificates: [],
    eContent: null,
    tstInfo: null,
  };
  if (!resp.timeStampToken) return base;

  // The token's exact bytes: never re-encode what the TSA signed.
  const tokenAsn = (root as asn1js.Sequence).valueBlock.value[1];
  if (!tokenAsn) throw new TimestampError('malformed', 'The timestamp response has no token.');
  const token = new Uint8Array(tokenAsn.valueBeforeDecodeView);
  if (resp.timeStampToken.contentType !== OID_SIGNED_DATA) {
    throw new TimestampError(
      'malformed',
      `The timestamp token is not CMS signed data (content type ${resp.timeStampToken.contentType}).`,
    );
  }
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema: resp.timeStampToken.content });
  } catch (e) {
    throw new TimestampError('malformed', `The timestamp token's signed data cannot be read (${errorText(e)}).`);
  }
  if (signedData.encapContentInfo.eContentType !== OID_TST_INFO || !signedData.encapContentInfo.eContent) {
    throw new TimestampError('malformed', 'The timestamp token does not contain timestamp information (TSTInfo).');
  }
  const eContent = new Uint8Array(signedData.encapContentInfo.eContent.getValue());
  let tstInfo: pkijs.TSTInfo;
  try {
    tstInfo = new pkijs.TSTInfo({ schema: parseOne(eContent, 'The timestamp information (TSTInfo)') });
  } catch (e) {
    if (e instanceof TimestampError) throw e;
    throw new TimestampError('malformed', `The timestamp information (TSTInfo) cannot be read (${errorText(e)}).`);
  }
  if (tstInfo.version !== 1)
    throw new TimestampError('malformed', `The timestamp information has version ${tstInfo.version}, expected 1.`);

  // Certificates: the raw elements of SignedData.certificates ([0] IMPLICIT SET OF), so PEM and
  // the ESS hash use the bytes the TSA sent.
  const certificates: Uint8Array[] = [];
  const sdAsn = resp.timeStampToken.content as asn1js.Sequence;
  for (const el of sdAsn.valueBlock.value) {
    if (el.idBlock.tagClass === 3 && el.idBlock.tagNumber === 0 && el instanceof asn1js.Constructed) {
      for (const c of el.valueBlock.value) {
        // CertificateChoices: only plain X.509 certificates (a SEQUENCE); skip attribute certificates.
        if (c.idBlock.tagClass === 1 && c.idBlock.tagNumber === 16)
          certificates.push(new Uint8Array(c.valueBeforeDecodeView));
      }
    }
  }
  return { ...base, token, signedData, certificates, eContent, tstInfo };
}

/**
 * Subjects of the certificates of a PEM text ("CN=..., O=..."), for a verifier that must say what
 * a candidate chain file holds. Throws when a block is not a readable certificate.
 */
export function pemCertificateSubjects(pem: string): string[] {
  return pemCertificates(pem).map((der) => nameText(certificateOf(der).subject));
}

function certificateOf(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toBufferSource(der));
  } catch (e) {
    throw new TimestampError('certificate', `A certificate in the timestamp token cannot be read (${errorText(e)}).`);
  }
}

async function sha(name: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(name, toBufferSource(data)));
}

function digestName(oid: string): 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | null {
  return (
    (
      {
        [OID_SHA1]: 'SHA-1',
        [OID_SHA256]: 'SHA-256',
        '2.16.840.1.101.3.4.2.2': 'SHA-384',
        '2.16.840.1.101.3.4.2.3': 'SHA-512',
      } as const
    )[oid] ?? null
  );
}

/** Finds the certificate the SignerInfo names (issuer+serial, or subject key identifier). */
async function findSigner(
  signerInfo: pkijs.SignerInfo,
  certs: Uint8Array[],
): Promise<{ der: Uint8Array; cert: pkijs.Certificate }> {
  for (const der of certs) {
    const cert = certificateOf(der);
    if (signerInfo.sid instanceof pkijs.IssuerAndSerialNumber) {
      if (cert.issuer.isEqual(signerInfo.sid.issuer) && cert.serialNumber.isEqual(signerInfo.sid.serialNumber))
        return { der, cert };
    } else {
      const sid = signerInfo.sid as asn1js.Constructed | asn1js.Primitive;
      const keyId =
        sid.idBlock.isConstructed && sid instanceof asn1js.Constructed
          ? new Uint8Array((sid.valueBlock.value[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView ?? [])
          : new Uint8Array((sid as asn1js.Primitive).valueBlock.valueHexView);
      const ski = cert.extensions?.find((x) => x.extnID === OID_SUBJECT_KEY_ID)?.parsedValue as
        asn1js.OctetString | undefined;
      if (ski && bytesEqual(new Uint8Array(ski.valueBlock.valueHexView), keyId)) return { der, cert };
      const spkiHash = await sha(
        'SHA-1',
        new Uint8Array(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
      );
      if (bytesEqual(spkiHash, keyId)) return { der, cert };
    }
  }
  throw new TimestampError(
    'certificate',
    "The timestamp token does not include the TSA's certificate, so its signature cannot be checked.",
  );
}

function attributeValue(signerInfo: pkijs.SignerInfo, oid: string): asn1js.AsnType | undefined {
  const matches = signerInfo.signedAttrs?.attributes.filter((a) => a.type === oid) ?? [];
  if (matches.length > 1)
    throw new TimestampError('signature', `The timestamp token has the signed attribute ${oid} twice.`);
  return matches[0]?.values[0] as asn1js.AsnType | undefined;
}

/**
 * RFC 3161 §2.4.2 / RFC 5035: the ESS signing-certificate attribute binds the signature to the
 * TSA certificate (otherwise a certificate with the same key could be substituted). Checks the
 * first ESSCertID(v2) against the signer certificate's hash.
 */
async function checkEssBinding(signerInfo: pkijs.SignerInfo, signerDer: Uint8Array): Promise<void> {
  const v1 = attributeValue(signerInfo, OID_SIGNING_CERTIFICATE);
  const v2 = attributeValue(signerInfo, OID_SIGNING_CERTIFICATE_V2);
  const attr = v2 ?? v1;
  if (!attr) {
    throw new TimestampError(
      'signature',
      'The timestamp token does not say which certificate signed it (no ESS signing-certificate attribute).',
    );
  }
  const first = ((attr as asn1js.Sequence).valueBlock?.value?.[0] as asn1js.Sequence | undefined)?.valueBlock
    ?.value?.[0] as asn1js.Sequence | undefined;
  const fields = first?.valueBlock?.value ?? [];
  let alg: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | null = v2 ? 'SHA-256' : 'SHA-1';
  let hashEl = fields[0];
  if (v2 && hashEl instanceof asn1js.Sequence) {
    alg = digestName((hashEl.valueBlock.value[0] as asn1js.ObjectIdentifier | undefined)?.valueBlock.toString() ?? '');
    hashEl = fields[1];
  }
  if (!(hashEl instanceof asn1js.OctetString) || !alg) {
    throw new TimestampError(
      'signature',
      'The ESS signing-certificate attribute of the timestamp token cannot be read.',
    );
  }
  if (!bytesEqual(new Uint8Array(hashEl.valueBlock.valueHexView), await sha(alg, signerDer))) {
    throw new TimestampError(
      'signature',
      'The timestamp token names a different signing certificate than the one it carries.',
    );
  }
}

/** RFC 3161 §2.3: the TSA certificate has exactly one EKU extension, critical, with only id-kp-timeStamping. */
function checkTimestampingCertificate(cert: pkijs.Certificate): void {
  const eku = cert.extensions?.filter((x) => x.extnID === OID_EXT_KEY_USAGE) ?? [];
  const purposes = eku.length === 1 ? ((eku[0]?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? []) : [];
  if (eku.length !== 1 || !eku[0]?.critical || purposes.length !== 1 || purposes[0] !== OID_KP_TIMESTAMPING) {
    throw new TimestampError(
      'certificate',
      `The certificate that signed the timestamp (${nameText(cert.subject)}) is not a timestamping certificate (RFC 3161 requires a critical extended key usage "timeStamping" only).`,
    );
  }
}

/** Verifies the CMS signature of the token with its own signer certificate. Returns that certificate. */
async function verifyTokenSignature(p: ParsedResponse): Promise<{ der: Uint8Array; cert: pkijs.Certificate }> {
  const sd = p.signedData;
  if (!sd || !p.eContent) throw new TimestampError('malformed', 'The timestamp response has no token.');
  if (sd.signerInfos.length !== 1) {
    throw new TimestampError(
      'signature',
      `A timestamp token has exactly one signature; this one has ${sd.signerInfos.length}.`,
    );
  }
  const signerInfo = sd.signerInfos[0]!;
  const signer = await findSigner(signerInfo, p.certificates);
  checkTimestampingCertificate(signer.cert);

  if (!signerInfo.signedAttrs)
    throw new TimestampError('signature', 'The timestamp token signs no attributes (RFC 3161 requires them).');
  const contentType = attributeValue(signerInfo, OID_CONTENT_TYPE);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== OID_TST_INFO) {
    throw new TimestampError('signature', 'The signed content type of the timestamp token is not TSTInfo.');
  }
  const digestAlg = digestName(signerInfo.digestAlgorithm.algorithmId);
  if (!digestAlg || digestAlg === 'SHA-1') {
    throw new TimestampError(
      'signature',
      `The timestamp token is signed with an unsupported or weak digest (${signerInfo.digestAlgorithm.algorithmId}).`,
    );
  }
  const md = attributeValue(signerInfo, OID_MESSAGE_DIGEST);
  if (
    !(md instanceof asn1js.OctetString) ||
    !bytesEqual(new Uint8Array(md.valueBlock.valueHexView), await sha(digestAlg, p.eContent))
  ) {
    throw new TimestampError(
      'signature',
      'The timestamp information does not match the digest the TSA signed: the token was altered.',
    );
  }
  await checkEssBinding(signerInfo, signer.der);

  const engine = pkijs.getCrypto(true);
  let ok: boolean;
  try {
    ok = await engine.verifyWithPublicKey(
      signerInfo.signedAttrs.encodedValue,
      signerInfo.signature,
      signer.cert.subjectPublicKeyInfo,
      signerInfo.signatureAlgorithm,
      // rsaEncryption names no hash: use the SignerInfo's digest (as pkijs SignedData.verify does).
      signerInfo.signatureAlgorithm.algorithmId === OID_RSA_ENCRYPTION ? digestAlg : undefined,
    );
  } catch (e) {
    throw new TimestampError('signature', `The signature of the timestamp token cannot be checked (${errorText(e)}).`);
  }
  if (!ok)
    throw new TimestampError(
      'signature',
      "The signature of the timestamp token does not match the TSA's certificate: the token was altered or forged.",
    );
  return signer;
}

function genTimeOf(t: pkijs.TSTInfo): Date {
  const d = t.genTime;
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    throw new TimestampError('malformed', 'The timestamp carries no valid time.');
  return d;
}

function checkImprint(t: pkijs.TSTInfo, digest: Uint8Array): void {
  const alg = t.messageImprint.hashAlgorithm.algorithmId;
  if (alg !== OID_SHA256) {
    throw new TimestampError(
      'imprint',
      `The timestamp covers a ${digestName(alg) ?? alg} digest, but a SHA-256 digest was sent.`,
    );
  }
  if (!bytesEqual(new Uint8Array(t.messageImprint.hashedMessage.valueBlock.valueHexView), digest)) {
    throw new TimestampError(
      'imprint',
      'The timestamp is for different data than what was sent (its digest does not match).',
    );
  }
}

function checkNonce(t: pkijs.TSTInfo, nonce: Uint8Array): void {
  if (!t.nonce)
    throw new TimestampError(
      'nonce',
      "The timestamp does not repeat the request's nonce, so it cannot be tied to this request.",
    );
  const got = new Uint8Array(t.nonce.valueBlock.valueHexView);
  // A negative INTEGER cannot be our (positive) nonce even if the bytes look alike.
  if (((got[0] ?? 0) & 0x80) !== 0 || !bytesEqual(magnitude(got), magnitude(nonce))) {
    throw new TimestampError(
      'nonce',
      "The timestamp answers another request (its nonce is not this request's nonce): it may be replayed.",
    );
  }
}

function resultOf(p: ParsedResponse, signer: pkijs.Certificate, receivedAt: Date): TimestampResult {
  const t = p.tstInfo!;
  const genTime = genTimeOf(t);
  return {
    tsr: p.tsr,
    token: p.token!,
    genTime: genTime.toISOString(),
    serial: toHex(magnitude(new Uint8Array(t.serialNumber.valueBlock.valueHexView))) || '00',
    policy: t.policy,
    ...(t.tsa ? { tsaName: generalNameText(t.tsa) } : {}),
    signer: nameText(signer.subject),
    certificatesPem: p.certificates.map(certificateToPem).join(''),
    skewMs: genTime.getTime() - receivedAt.getTime(),
    status: p.status === 0 ? 'granted' : 'grantedWithMods',
  };
}

function requireGranted(p: ParsedResponse): void {
  if (p.status !== 0 && p.status !== 1) {
    throw new TimestampError('not-granted', `The TSA did not grant the timestamp: ${p.statusText}.`);
  }
  if (!p.tstInfo) throw new TimestampError('malformed', 'The TSA granted the request but sent no token.');
}

/**
 * Accepts a TSA answer (DER TimeStampResp) for a request we made: status granted or
 * grantedWithMods, SHA-256 imprint equal to `digest`, nonce equal to ours, and a valid CMS
 * signature by a timestamping certificate carried in the token (see the module comment for what
 * is left to the verifier). Async because signature checks use WebCrypto.
 *
 * @param expected.receivedAt local time the answer arrived (for `skewMs`; default now).
 * @throws TimestampError saying in plain words what is wrong.
 */
export async function parseTimeStampResponse(
  der: Uint8Array,
  expected: { digest: Uint8Array; nonce: Uint8Array; receivedAt?: Date },
): Promise<TimestampResult> {
  const receivedAt = expected.receivedAt ?? new Date();
  let p: ParsedResponse;
  try {
    p = parseResponse(der);
  } catch (e) {
    if (e instanceof TimestampError) throw e;
    throw new TimestampError('malformed', `The answer cannot be read (${errorText(e)}).`);
  }
  requireGranted(p);
  checkImprint(p.tstInfo!, expected.digest);
  checkNonce(p.tstInfo!, expected.nonce);
  const signer = await verifyTokenSignature(p);
  return resultOf(p, signer.cert, receivedAt);
}

/**
 * For verifiers (the package verifier, with the TSA's published root): checks a stored .tsr
 * (TimeStampResp DER) against the SHA-256 of the data it should cover, including its signature,
 * and, when `trustedRootsPem` is given, that the TSA certificate chains to one of those roots at
 * the token's time (with the intermediates carried in the token, and `untrustedPem`'s certificates
 * as candidates, as openssl's -untrusted). The nonce is not checkable
 * later (the request is not kept) and is not checked.
 *
 * @returns the timestamp (skewMs is 0: there is no local receipt time).
 * @throws TimestampError in plain words; kind `untrusted` when only the chain check fails.
 */
export async function checkTimeStampResponse(
  tsr: Uint8Array,
  expected: { digest: Uint8Array; trustedRootsPem?: string; untrustedPem?: string },
): Promise<TimestampResult> {
  let p: ParsedResponse;
  try {
    p = parseResponse(tsr);
  } catch (e) {
    if (e instanceof TimestampError) throw e;
    throw new TimestampError('malformed', `The timestamp file cannot be read (${errorText(e)}).`);
  }
  requireGranted(p);
  checkImprint(p.tstInfo!, expected.digest);
  const signer = await verifyTokenSignature(p);
  const genTime = genTimeOf(p.tstInfo!);
  if (expected.trustedRootsPem !== undefined) {
    let roots: pkijs.Certificate[];
    try {
      roots = pemCertificates(expected.trustedRootsPem).map(certificateOf);
    } catch (e) {
      throw new TimestampError(
        'bad-input',
        `The trusted TSA root file is not readable PEM certificates (${errorText(e)}).`,
      );
    }
    if (roots.length === 0) throw new TimestampError('bad-input', 'The trusted TSA root file holds no certificate.');
    // Candidates (signature/tsa-chain.pem, like openssl -untrusted) only help build the path; trust is the roots'.
    const candidates = expected.untrustedPem === undefined ? [] : pemCertificates(expected.untrustedPem);
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: roots,
      certs: [...p.certificates, ...candidates].map(certificateOf),
      checkDate: genTime,
    });
    let verdict: { result: boolean; resultMessage?: string };
    try {
      verdict = await engine.verify();
    } catch (e) {
      const msg = (e as { resultMessage?: string }).resultMessage ?? errorText(e);
      verdict = { result: false, resultMessage: msg };
    }
    if (!verdict.result) {
      throw new TimestampError(
        'untrusted',
        `The TSA certificate (${nameText(signer.cert.subject)}) does not chain to the trusted TSA root at the token's time (${verdict.resultMessage ?? 'no path'}).`,
      );
    }
  }
  return resultOf(p, signer.cert, genTime);
}

// ---------------------------------------------------------------------------------------------
// Network.

export interface RequestTimestampOptions {
  /** The TSA's URL (http or https). */
  url: string;
  /** SHA-256 of the data to timestamp (32 bytes). */
  digest: Uint8Array;
  /** Injected in tests; default the global fetch. */
  fetch?: typeof fetch;
  /** Abort after this many ms; default {@link DEFAULT_TIMEOUT_MS}, must be below 30 s. */
  timeoutMs?: number;
  /** Local clock (for skewMs). */
  now?: () => Date;
  /** Randomness for the nonce; default WebCrypto. */
  randomBytes?: (n: number) => Uint8Array;
}

function defaultRandomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

function describeNetworkError(e: unknown): string {
  // Node (undici) puts the reason in `cause` (ECONNREFUSED, ENOTFOUND…); browsers say "Failed to fetch".
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused',
    ENOTFOUND: 'the host name was not found',
    EAI_AGAIN: 'the host name could not be resolved',
    ECONNRESET: 'the connection was reset',
    ETIMEDOUT: 'the connection timed out',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
  };
  if (code && reasons[code]) return reasons[code];
  return errorText(cause?.message ? cause.message : e);
}

/**
 * Asks the TSA at `url` for a timestamp over `digest`: POSTs a DER TimeStampReq
 * (`application/timestamp-query`) with a fresh 8-byte nonce, aborts after `timeoutMs`, and
 * accepts the answer only as {@link parseTimeStampResponse} does.
 *
 * @throws TimestampError: unreachable, timeout, http (non-200), not-granted, malformed,
 *   imprint, nonce, signature, certificate, bad-input. Never anything else.
 */
export async function requestTimestamp(opts: RequestTimestampOptions): Promise<TimestampResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new TimestampError('bad-input', `The timestamp timeout must be between 1 ms and ${MAX_TIMEOUT_MS} ms.`);
  }
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new TimestampError(
      'bad-input',
      `The timestamp authority address ${JSON.stringify(opts.url)} is not a valid URL.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TimestampError(
      'bad-input',
      `The timestamp authority address must start with http:// or https:// (got ${url.protocol}).`,
    );
  }
  const now = opts.now ?? (() => new Date());
  const nonce = (opts.randomBytes ?? defaultRandomBytes)(NONCE_BYTES);
  const body = buildTimeStampRequest(opts.digest, nonce);
  const host = url.host;
  const doFetch = opts.fetch ?? globalThis.fetch;

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const seconds = Math.round(timeoutMs / 100) / 10;
  let der: Uint8Array;
  try {
    let res: Response;
    try {
      // .call: a window/worker fetch called as a method of `opts` throws "Illegal invocation".
      res = await doFetch.call(globalThis, url.href, {
        method: 'POST',
        headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
        body: toBufferSource(body),
        signal: controller.signal,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      if (timedOut)
        throw new TimestampError('timeout', `The timestamp authority at ${host} did not answer within ${seconds} s.`);
      throw new TimestampError(
        'unreachable',
        `The timestamp authority at ${host} could not be reached: ${describeNetworkError(e)}.`,
      );
    }
    if (res.status !== 200) {
      void res.body?.cancel().catch(() => undefined);
      throw new TimestampError(
        'http',
        `The timestamp authority at ${host} answered with HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} instead of a timestamp.`,
      );
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > MAX_RESPONSE_BYTES) {
      void res.body?.cancel().catch(() => undefined);
      throw new TimestampError(
        'malformed',
        `The timestamp authority at ${host} sent ${declared} bytes, far too much for a timestamp.`,
      );
    }
    try {
      der = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      if (timedOut)
        throw new TimestampError(
          'timeout',
          `The timestamp authority at ${host} did not finish its answer within ${seconds} s.`,
        );
      throw new TimestampError(
        'unreachable',
        `The answer of the timestamp authority at ${host} was cut off: ${describeNetworkError(e)}.`,
      );
    }
  } finally {
    clearTimeout(timer);
  }
  if (der.length > MAX_RESPONSE_BYTES) {
    throw new TimestampError(
      'malformed',
      `The timestamp authority at ${host} sent ${der.length} bytes, far too much for a timestamp.`,
    );
  }
  const receivedAt = now();
  try {
    return await parseTimeStampResponse(der, { digest: opts.digest, nonce, receivedAt });
  } catch (e) {
    if (e instanceof TimestampError) {
      // Name the TSA: the custody log and the UI show this sentence alone.
      throw new TimestampError(e.kind, `Timestamp from ${host} not accepted. ${e.message}`);
    }
    throw new TimestampError(
      'malformed',
      `Timestamp from ${host} not accepted. The answer cannot be read (${errorText(e)}).`,
    );
  }
}
