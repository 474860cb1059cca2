import { useState } from 'preact/hooks';
import type { MessageKey } from '@/utils/i18n';
import type { VerifyReport } from '@/utils/package/verify';
import { useI18n } from './hooks/i18n';

/** Interface names of the verifier's check ids (a test checks every id the verifier emits is here). */
export const CHECK_KEYS: Record<string, MessageKey> = {
  zip: 'check.zip',
  'zip-entries': 'check.zip-entries',
  layout: 'check.layout',
  bagit: 'check.bagit',
  'bag-info': 'check.bag-info',
  'manifest-sha256': 'check.manifest-sha256',
  'manifest-sha512': 'check.manifest-sha512',
  'tagmanifest-sha256': 'check.tagmanifest-sha256',
  'tagmanifest-sha512': 'check.tagmanifest-sha512',
  'unexpected-files': 'check.unexpected-files',
  'payload-oxum': 'check.payload-oxum',
  signature: 'check.signature',
  'key-fingerprint': 'check.key-fingerprint',
  'pinned-key': 'check.pinned-key',
  custody: 'check.custody',
  'case-json': 'check.case-json',
  captures: 'check.captures',
  'custody-case': 'check.custody-case',
  'custody-export': 'check.custody-export',
  'custody-captures': 'check.custody-captures',
  'bag-group': 'check.bag-group',
  group: 'check.group',
  timestamps: 'check.timestamps',
  signer: 'check.signer',
  'custody-order': 'check.custody-order',
  'capture-artifacts': 'check.capture-artifacts',
  'harvest-items': 'check.harvest-items',
  'case-uco': 'check.case-uco',
  internal: 'check.internal',
  // Issue 18: a case export's references to its captures' auto-pushed capture bags.
  'store-refs': 'check.store-refs',
};

/** The shared verifier's report: verdict, package facts, then each check (failures first). */
export function VerifyReportView({
  report,
  fileName,
  zipSha256,
}: {
  report: VerifyReport;
  fileName: string;
  zipSha256: string | null;
}) {
  const tr = useI18n();
  const checks = [...report.checks].sort((a, b) => Number(a.ok) - Number(b.ok));
  const failed = report.checks.filter((c) => !c.ok).length;
  return (
    <section
      class="verify-report"
      data-ok={String(report.ok)}
      data-verdict={report.verdict}
      aria-labelledby="verify-verdict"
    >
      <h3
        id="verify-verdict"
        class={report.verdict === 'passed' ? 'status ok' : report.verdict === 'failed' ? 'status err' : 'status warn'}
      >
        {report.verdict === 'passed'
          ? tr.t('verify.pass')
          : report.verdict === 'unverified'
            ? tr.t('verify.unverified')
            : tr.t('verify.fail', { count: failed })}
      </h3>
      {report.verdict === 'unverified' && (
        // Which claims stand unverified, in the verifier's words (English, like the checks).
        <ul class="unverified" lang="en" dir="ltr">
          {report.unverified.map((u, i) => (
            <li key={i}>{u}</li>
          ))}
        </ul>
      )}
      <dl class="meta">
        <dt>{tr.t('verify.file')}</dt>
        <dd>
          <bdi>{fileName}</bdi>
        </dd>
        {zipSha256 && (
          <>
            <dt>{tr.t('verify.zipSha256')}</dt>
            <dd>
              <code dir="ltr" class="zip-sha256">
                {zipSha256}
              </code>
            </dd>
          </>
        )}
        <dt>{tr.t('verify.bag')}</dt>
        <dd>
          <code dir="ltr">{report.bagName ?? '—'}</code>
        </dd>
        <dt>{tr.t('verify.fingerprint')}</dt>
        <dd>
          <code dir="ltr">{report.fingerprint ?? '—'}</code>
        </dd>
        <dt>{tr.t('verify.payload')}</dt>
        <dd>{tr.t('verify.payloadValue', { count: report.payloadFiles, size: tr.bytes(report.payloadBytes) })}</dd>
      </dl>
      <ul class="checks">
        {checks.map((c, i) => {
          const key = CHECK_KEYS[c.id];
          return (
            <li key={i} class={`check ${c.ok ? 'ok' : 'err'}`} data-check={c.id} data-ok={String(c.ok)}>
              <span class={c.ok ? 'status ok' : 'status err'}>
                <span aria-hidden="true">{c.ok ? '✓ ' : '✗ '}</span>
                {c.ok ? tr.t('verify.checkOk') : tr.t('verify.checkFailed')}
              </span>{' '}
              <strong>{key ? tr.t(key) : c.id}</strong>
              {/* The verifier explains in English, the language of the CLI and of VERIFY.txt. */}
              <p class="check-message" lang="en" dir="ltr">
                {c.message}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * Open a package ZIP from disk and check it with the same verifier as the CLI (nothing is
 * imported into the profile: a package is checked, not merged into a case). The File is read by
 * slices, never whole; a TSA root (PEM, from the authority) lets trusted time be verified.
 */
export function VerifyPackagePanel(props: {
  verify: (zip: Blob, opts: { keyFingerprint?: string; tsaRootsPem?: string }) => Promise<VerifyReport>;
  sha256: (file: Blob) => Promise<string>;
}) {
  const tr = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [root, setRoot] = useState<File | null>(null);
  const [pinned, setPinned] = useState('');
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'busy' }
    | { kind: 'done'; report: VerifyReport; name: string; zipSha256: string }
    | { kind: 'error'; text: string }
  >({ kind: 'idle' });
  const pinnedOk = !pinned.trim() || /^[0-9a-f]{64}$/i.test(pinned.replace(/[\s:]/g, ''));

  async function run(e: Event) {
    e.preventDefault();
    if (!file || !pinnedOk) return;
    setState({ kind: 'busy' });
    try {
      // A root certificate is a few kilobytes; anything much larger is not one.
      const tsaRootsPem = root && root.size <= 1024 * 1024 ? await root.text() : undefined;
      const opts = {
        ...(pinned.trim() ? { keyFingerprint: pinned.trim() } : {}),
        ...(tsaRootsPem ? { tsaRootsPem } : {}),
      };
      const report = await props.verify(file, opts);
      const zipSha256 = await props.sha256(file);
      setState({ kind: 'done', report, name: file.name, zipSha256 });
    } catch (err) {
      setState({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    }
  }

  return (
    <section class="verify-panel" aria-labelledby="verify-title" data-state={state.kind}>
      <h2 id="verify-title">{tr.t('verify.title')}</h2>
      <p>{tr.t('verify.intro')}</p>
      <form onSubmit={run}>
        <label>
          {tr.t('verify.choose')}{' '}
          <input
            type="file"
            name="package"
            accept=".zip,application/zip"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setState({ kind: 'idle' });
            }}
          />
        </label>
        <label>
          {tr.t('verify.pinned')}{' '}
          <input
            name="fingerprint"
            dir="ltr"
            size={70}
            value={pinned}
            onInput={(e) => setPinned(e.currentTarget.value)}
            aria-invalid={!pinnedOk}
            aria-describedby="pinned-hint"
          />
        </label>
        <p id="pinned-hint" class={pinnedOk ? 'hint' : 'error'}>
          {pinnedOk ? tr.t('verify.pinnedHint') : tr.t('verify.pinnedInvalid')}
        </p>
        <label>
          {tr.t('verify.tsaRoot')}{' '}
          <input
            type="file"
            name="tsa-root"
            accept=".pem,.crt,.cer,application/x-pem-file"
            aria-describedby="tsa-root-hint"
            onChange={(e) => {
              setRoot(e.currentTarget.files?.[0] ?? null);
              setState({ kind: 'idle' });
            }}
          />
        </label>
        <p id="tsa-root-hint" class="hint">
          {tr.t('verify.tsaRootHint')}
        </p>
        <button type="submit" class="primary" disabled={!file || !pinnedOk || state.kind === 'busy'}>
          {tr.t('verify.run')}
        </button>
      </form>
      <div role="status" aria-live="polite">
        {state.kind === 'busy' && <p>{tr.t('verify.running')}</p>}
      </div>
      {state.kind === 'error' && (
        <p role="alert" class="error">
          {state.text}
        </p>
      )}
      {state.kind === 'done' && (
        <VerifyReportView report={state.report} fileName={state.name} zipSha256={state.zipSha256} />
      )}
    </section>
  );
}
