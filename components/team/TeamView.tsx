import { useState } from 'preact/hooks';
import { getStoreConfig, type CaseRecord } from '@/utils/db';
import type { VerifyReport } from '@/utils/package/verify';
import type { ImportResult } from '@/utils/services/store-import';
import type { ObjectVersionInfo, StoreConfig } from '@/utils/store';
import { href } from '../common/route';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { useLive } from '../hooks/use-live';
import { VerifyReportView } from '../VerifyPackage';

/** What the team view needs from the extension (wired in the dashboard's main.tsx). */
export interface TeamStoreActions {
  /** The package versions under the configured prefix, newest first. */
  list(): Promise<ObjectVersionInfo[]>;
  /** Downloads the version into this page, verifies it, and has the background import it read-only. */
  importVersion(v: ObjectVersionInfo): Promise<TeamImportOutcome>;
}

export interface TeamImportOutcome {
  report: VerifyReport;
  zipSha256: string;
  /** Why the verifier refused it (nothing imported), or null. */
  refused: string | null;
  result: ImportResult | null;
}

/**
 * `<prefix>/<case id>/<export id>/<zip>` (an export part) or `<prefix>/<case id>/captures/<capture id>/<zip>`
 * (a capture bag, issue 18): the case id, the capture id of a capture bag, and the ZIP's name.
 */
function namesOf(key: string): { caseId: string | null; captureId: string | null; zip: string } {
  const parts = key.split('/');
  const zip = parts[parts.length - 1] ?? key;
  if (parts.length >= 4 && parts[parts.length - 3] === 'captures')
    return { caseId: parts[parts.length - 4] ?? null, captureId: parts[parts.length - 2] ?? null, zip };
  return { caseId: parts.length >= 3 ? (parts[parts.length - 3] ?? null) : null, captureId: null, zip };
}

const versionKey = (key: string, versionId: string) => `${key}\n${versionId}`;

/**
 * Team view (issue 18): the team store's cases and packages (every version), each imported read-only
 * after this page has verified it with the one verifier; what is already imported links to its case,
 * marked with who signed it. Nothing here writes to the store.
 */
export function TeamView({ store }: { store: TeamStoreActions | undefined }) {
  const tr = useI18n();
  const db = useDb();
  const config = useLive<StoreConfig | null | undefined>(() => getStoreConfig(db), [db], undefined);
  const imported = useLive<CaseRecord[]>(() => db.cases.filter((c) => !!c.imported).toArray(), [db], []);
  const [versions, setVersions] = useState<ObjectVersionInfo[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ name: string; o: TeamImportOutcome } | null>(null);
  // Every version imported into a case: the first, and those merged into it since (issue 18).
  const byVersion = new Map(
    imported.flatMap((c) =>
      c.imported
        ? [c.imported.source, ...(c.imported.more ?? [])].map((s) => [versionKey(s.key, s.versionId), c] as const)
        : [],
    ),
  );

  async function run<T>(what: string, f: () => Promise<T>): Promise<T | null> {
    setBusy(what);
    setError(null);
    try {
      return await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return null;
    } finally {
      setBusy(null);
    }
  }

  if (config === undefined) return null;
  return (
    <section class="team-view" aria-labelledby="team-title" data-state={busy ? 'busy' : 'idle'}>
      <h2 id="team-title">{tr.t('teamStore.title')}</h2>
      <p>{tr.t('teamStore.hint')}</p>
      {!config || !store ? (
        <p class="hint" data-testid="team-no-store">
          {tr.t('teamStore.noStore')} <a href={href.settings}>{tr.t('nav.settings')}</a>
        </p>
      ) : (
        <p>
          <button
            type="button"
            class="primary"
            data-testid="team-list"
            disabled={!!busy}
            onClick={() => void run('list', () => store.list()).then((v) => v && setVersions(v))}
          >
            {tr.t('teamStore.list')}
          </button>{' '}
          <code dir="ltr">{`${config.bucket}/${config.prefix}`}</code>
        </p>
      )}
      <div role="status" aria-live="polite">
        {busy === 'list' && <p>{tr.t('teamStore.listing')}</p>}
        {busy && busy !== 'list' && <p>{tr.t('teamStore.importing', { name: busy })}</p>}
        {versions && !busy && <p>{tr.t('teamStore.count', { count: versions.length })}</p>}
      </div>
      {error && (
        <p role="alert" class="error" lang="en" dir="ltr">
          {error}
        </p>
      )}
      {versions && versions.length === 0 && <p>{tr.t('teamStore.none')}</p>}
      {store && versions && versions.length > 0 && (
        <div class="table-wrap">
          <table class="team-packages">
            <caption>{tr.t('teamStore.tableLabel')}</caption>
            <thead>
              <tr>
                <th scope="col">{tr.t('teamStore.case')}</th>
                <th scope="col">{tr.t('teamStore.package')}</th>
                <th scope="col">{tr.t('teamStore.version')}</th>
                <th scope="col">{tr.t('teamStore.size')}</th>
                <th scope="col">{tr.t('teamStore.pushedAt')}</th>
                <th scope="col">{tr.t('teamStore.state')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v, i) => {
                const { caseId, captureId, zip } = namesOf(v.key);
                const done = byVersion.get(versionKey(v.key, v.versionId));
                return (
                  <tr key={versionKey(v.key, v.versionId)} data-key={v.key} data-version-id={v.versionId}>
                    <td>
                      <code dir="ltr">{caseId ?? '—'}</code>
                    </td>
                    <td id={`team-zip-${i}`} data-capture-id={captureId ?? undefined}>
                      <code dir="ltr">{zip}</code>
                      {captureId && (
                        <span class="muted"> {tr.t('teamStore.captureBag', { id: captureId.slice(0, 8) })}</span>
                      )}
                    </td>
                    <td>
                      <code dir="ltr" class="version">
                        {v.versionId}
                      </code>
                      {v.isLatest ? '' : ' *'}
                    </td>
                    <td>{tr.bytes(v.size)}</td>
                    <td>
                      <time dateTime={v.lastModified}>{tr.dateTime(v.lastModified)}</time>
                    </td>
                    <td>
                      {done?.imported ? (
                        <span data-imported-case={done.id}>
                          <a href={href.case(done.id)}>{tr.t('teamStore.open')}</a>{' '}
                          <span class="muted" data-signed-by={done.imported.signer}>
                            {tr.t('teamStore.signedBy', { who: done.imported.signer })}
                          </span>
                        </span>
                      ) : (
                        <button
                          type="button"
                          class="small"
                          data-testid="team-import"
                          aria-describedby={`team-zip-${i}`}
                          disabled={!!busy}
                          onClick={async () => {
                            setOutcome(null);
                            const o = await run(zip, () => store.importVersion(v));
                            if (o) setOutcome({ name: zip, o });
                          }}
                        >
                          {tr.t('teamStore.import')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {outcome && <ImportOutcome name={outcome.name} o={outcome.o} />}
    </section>
  );
}

/** What the last import did: imported (with its signer and a link), or refused; then the verifier's report. */
function ImportOutcome({ name, o }: { name: string; o: TeamImportOutcome }) {
  const tr = useI18n();
  const r = o.result;
  return (
    <div class="team-outcome">
      {r ? (
        <p
          class="status ok"
          data-testid="team-imported"
          data-case-id={r.caseId}
          data-signed-by={r.signer}
          data-captures={r.captures}
          data-added={r.added}
          data-skipped={r.skipped}
        >
          {r.created
            ? tr.t('teamStore.imported', { count: r.captures, name: r.name, who: r.signer })
            : tr.t('teamStore.merged', { count: r.added, skipped: r.skipped, name: r.name, who: r.signer })}{' '}
          <a href={href.case(r.caseId)}>{tr.t('teamStore.open')}</a>
        </p>
      ) : (
        <p role="alert" class="error" data-testid="team-refused">
          {tr.t('teamStore.refused', { name })}
        </p>
      )}
      <VerifyReportView report={o.report} fileName={name} zipSha256={o.zipSha256} />
    </div>
  );
}
