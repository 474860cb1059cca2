import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CaptureDetail } from '@/components/CaptureDetail';
import { CaptureGrid } from '@/components/CaptureGrid';
import { CaseHeader } from '@/components/CaseHeader';
import { CaseList } from '@/components/CaseList';
import { CasePicker } from '@/components/CasePicker';
import { useDb } from '@/components/db';
import { useI18n } from '@/components/i18n';
import { href, parseRoute, type Route } from '@/components/route';
import { SearchBar } from '@/components/SearchBar';
import { SettingsView } from '@/components/SettingsView';
import { StorageSummary } from '@/components/Status';
import { useCaptureSearch } from '@/components/use-capture-search';
import { useSearchResults } from '@/components/use-search-results';
import { useLive } from '@/components/use-live';
import { VerifyPackagePanel } from '@/components/VerifyPackage';
import {
  getSettings,
  listCases,
  renameCase,
  setCaseStatus,
  storageStatus,
  type CaptureRecord,
  type KeyRecord,
  type SettingsRecord,
  type StorageStatus,
} from '@/utils/db';
import type { Lang } from '@/utils/i18n';
import type { VerifyReport } from '@/utils/package/verify';
import { caseSummaries, listCaptureIds, tagsInUse } from '@/utils/search/capture-list';
import { EMPTY_SEARCH, toSearchQuery, type SearchForm } from '@/utils/search/query';

/** What the dashboard needs from the browser (wired in main.tsx). */
export interface DashboardEnv {
  browserLang: Lang;
  createCase(name: string, reference: string): Promise<void>;
  setActiveCase(caseId: string): Promise<void>;
  openExport(caseId: string): void;
  ensureKey(): Promise<KeyRecord>;
  downloadKey(key: KeyRecord): void;
  requestOrigin(origin: string): Promise<boolean>;
  persistStorage(): Promise<boolean>;
  verify(zip: Blob, opts: { keyFingerprint?: string; tsaRootsPem?: string }): Promise<VerifyReport>;
  sha256(file: Blob): Promise<string>;
  hostAccess?: { granted(): Promise<boolean>; request(): Promise<boolean> };
  /** Fast mode's optional `debugger` permission, where the build declares it (Chromium). */
  fastMode?: { granted(): Promise<boolean>; request(): Promise<boolean>; release(): Promise<void> };
  rotateKey?(): Promise<void>;
  /** Re-syncs the watch-list page scan (a closed case stops watching). */
  syncWatch?(): Promise<void>;
}

function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** The dashboard: cases, captures, search, capture detail, verification, settings. Wiring only. */
export function App({ env }: { env: DashboardEnv }) {
  const tr = useI18n();
  const db = useDb();
  const route = useHashRoute();
  const settings = useLive<SettingsRecord | null>(() => getSettings(db), [db], null);
  const cases = useLive(() => listCases(db), [db], []);
  const summaries = useLive(() => caseSummaries(db), [db], null);
  const tags = useLive(() => tagsInUse(db, tr.lang), [db, tr.lang], []);
  const [storage, setStorage] = useState<StorageStatus | null>(null);
  const [key, setKey] = useState<KeyRecord | null>(null);
  const [form, setForm] = useState<SearchForm>(EMPTY_SEARCH);
  const search = useCaptureSearch(db);
  const searchInput = useRef<HTMLDivElement>(null);

  const activeCaseId = settings?.activeCaseId ?? null;
  const capture = useLive<CaptureRecord | undefined>(
    () => (route.view === 'capture' ? db.captures.get(route.captureId) : Promise.resolve(undefined)),
    [route.view === 'capture' ? route.captureId : null, db],
    undefined,
  );
  const currentCaseId =
    route.view === 'case' ? (route.caseId ?? activeCaseId ?? cases[0]?.id ?? null) : route.view === 'capture' ? (capture?.caseId ?? null) : null;
  const currentCase = cases.find((c) => c.id === currentCaseId) ?? null;
  const caseNames = useMemo(() => new Map(cases.map((c) => [c.id, c.name])), [cases]);

  const query = toSearchQuery(form, currentCaseId);
  const listIds = useLive<string[] | null>(() => listCaptureIds(db, currentCaseId), [db, currentCaseId], null);
  const hits = useSearchResults(search, query);
  const ids = hits ? hits.ids : (listIds ?? []);

  useEffect(() => {
    void storageStatus().then(setStorage);
    void env.ensureKey().then(setKey);
  }, [summaries]);

  // "/" jumps to the search box (where no field has focus), as on most sites.
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.key !== '/' || (e.target as HTMLElement).closest('input, textarea, select, [contenteditable]')) return;
      e.preventDefault();
      searchInput.current?.querySelector<HTMLInputElement>('input[type=search]')?.focus();
    };
    addEventListener('keydown', on);
    return () => removeEventListener('keydown', on);
  }, []);

  function onSearch(next: SearchForm) {
    setForm(next);
    // Typing from a capture's page goes back to the list, where the results are.
    if (route.view !== 'case') location.hash = currentCaseId ? href.case(currentCaseId) : '#/';
  }

  let main;
  if (route.view === 'settings') {
    main = (
      <SettingsView
        signingKey={key}
        onDownloadKey={env.downloadKey}
        requestOrigin={env.requestOrigin}
        browserLang={env.browserLang}
        {...(env.hostAccess ? { hostAccess: env.hostAccess } : {})}
        {...(env.rotateKey ? { onRotateKey: env.rotateKey } : {})}
        {...(env.fastMode ? { fastMode: env.fastMode } : {})}
      />
    );
  } else if (route.view === 'verify') {
    main = <VerifyPackagePanel verify={env.verify} sha256={env.sha256} />;
  } else if (route.view === 'capture') {
    main = capture ? (
      <CaptureDetail
        capture={capture}
        tagSuggestions={tags}
        backHref={href.case(capture.caseId)}
        onDeleted={() => (location.hash = href.case(capture.caseId))}
      />
    ) : (
      <p class="muted">{tr.t('detail.notFound')}</p>
    );
  } else if (cases.length === 0 && settings) {
    main = (
      <section class="welcome">
        <h2>{tr.t('cases.firstTitle')}</h2>
        <p>{tr.t('cases.firstHint')}</p>
        <CasePicker cases={[]} activeCaseId={null} onSelect={() => undefined} onCreate={env.createCase} alwaysShowForm hideSelect />
      </section>
    );
  } else {
    main = (
      <>
        {hits && form.scope === 'all' ? (
          <h2>{tr.t('search.allTitle')}</h2>
        ) : currentCase ? (
          <CaseHeader kase={currentCase} captureCount={listIds?.length ?? null} onExport={() => env.openExport(currentCase.id)} />
        ) : null}
        <CaptureGrid
          ids={ids}
          caseNames={hits && form.scope === 'all' ? caseNames : undefined}
          tagSuggestions={tags}
          label={hits ? tr.t('search.resultsLabel') : tr.t('grid.label')}
          resultsFor={hits ? hits.key : ''}
          searchMs={hits?.ms}
        />
      </>
    );
  }

  return (
    <div class="dashboard" data-view={route.view}>
      <a class="skip-link" href="#main">
        {tr.t('common.skip')}
      </a>
      <header class="top">
        <h1>
          <a href="#/">Hashmark</a>
        </h1>
        <div ref={searchInput} class="top-search">
          <SearchBar
            value={form}
            onChange={onSearch}
            tags={tags}
            domains={search.domains}
            resultCount={hits && hits.key ? hits.ids.length : null}
            indexing={search.indexing}
            hasCurrentCase={!!currentCaseId}
          />
        </div>
        <nav class="top-nav" aria-label={tr.t('nav.label')}>
          <a href={href.verify} aria-current={route.view === 'verify' ? 'page' : undefined}>
            {tr.t('nav.verify')}
          </a>
          <a href={href.settings} aria-current={route.view === 'settings' ? 'page' : undefined}>
            {tr.t('nav.settings')}
          </a>
        </nav>
      </header>
      <aside class="sidebar" aria-labelledby="cases-title">
        <h2 id="cases-title">{tr.t('cases.title')}</h2>
        <CaseList
          cases={cases}
          summaries={summaries}
          activeCaseId={activeCaseId}
          currentCaseId={route.view === 'case' || route.view === 'capture' ? currentCaseId : null}
          hrefFor={href.case}
          onMakeActive={(id) => void env.setActiveCase(id)}
          onRename={async (id, name) => void (await renameCase({ caseId: id, name, at: new Date().toISOString() }, db))}
          onSetStatus={async (id, status) => {
            await setCaseStatus({ caseId: id, status, at: new Date().toISOString() }, db);
            await env.syncWatch?.().catch(() => undefined);
          }}
        />
        {cases.length > 0 && (
          <details class="new-case-box">
            <summary>{tr.t('case.new')}</summary>
            <CasePicker cases={cases} activeCaseId={activeCaseId} onSelect={() => undefined} onCreate={env.createCase} alwaysShowForm hideSelect />
          </details>
        )}
        <h2>{tr.t('storage.title')}</h2>
        <StorageSummary
          status={storage}
          onPersist={() => void env.persistStorage().then(() => storageStatus().then(setStorage))}
        />
      </aside>
      <main id="main" tabIndex={-1}>
        {main}
      </main>
    </div>
  );
}
