import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CaptureDetail } from '@/components/capture/CaptureDetail';
import { CaptureGrid } from '@/components/capture/CaptureGrid';
import { CaseHeader, CaseViews } from '@/components/case/CaseHeader';
import { CasePicker } from '@/components/case/CasePicker';
import { CaseSidebar } from '@/components/case/CaseSidebar';
import { RecordingTimeline } from '@/components/recording/RecordingTimeline';
import { useDb } from '@/components/hooks/db';
import { useI18n } from '@/components/hooks/i18n';
import { href, type Route } from '@/components/common/route';
import { Icon } from '@/components/common/Icon';
import { SearchBar } from '@/components/capture/SearchBar';
import { SettingsView } from '@/components/settings/SettingsView';
import { useCaptureSearch, type CaptureSearchState } from '@/components/hooks/use-capture-search';
import { useHashRoute } from '@/components/hooks/use-hash-route';
import { useSearchResults } from '@/components/hooks/use-search-results';
import { useLive } from '@/components/hooks/use-live';
import { VerifyPackagePanel } from '@/components/VerifyPackage';
import { TeamView, type TeamStoreActions } from '@/components/team/TeamView';
import {
  getSettings,
  listCases,
  refuseImported,
  renameCase,
  setCaseAutoPush,
  setCaseStatus,
  storageStatus,
  type CaptureRecord,
  type CaseRecord,
  type KeyRecord,
  type SettingsRecord,
  type StorageStatus,
} from '@/utils/db';
import type { Lang } from '@/utils/i18n';
import type { VerifyReport } from '@/utils/package/verify';
import { caseSummaries, tagsInUse } from '@/utils/search/capture-list';
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
  /** Team store (issue 18): list the store's packages, download, verify and import one read-only. */
  teamStore?: TeamStoreActions;
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

  const activeCaseId = settings?.activeCaseId ?? null;
  const capture = useLive<CaptureRecord | undefined>(
    () => (route.view === 'capture' ? db.captures.get(route.captureId) : Promise.resolve(undefined)),
    [route.view === 'capture' ? route.captureId : null, db],
    undefined,
  );
  const currentCaseId =
    route.view === 'case'
      ? (route.caseId ?? activeCaseId ?? cases[0]?.id ?? null)
      : route.view === 'capture'
        ? (capture?.caseId ?? null)
        : null;

  const query = toSearchQuery(form, currentCaseId);
  const hits = useSearchResults(search, query);

  useEffect(() => {
    void storageStatus().then(setStorage);
    void env.ensureKey().then(setKey);
  }, [summaries, env]);

  function onSearch(next: SearchForm) {
    setForm(next);
    // Typing from a capture's page goes back to the list, where the results are.
    if (route.view !== 'case') location.hash = currentCaseId ? href.case(currentCaseId) : '#/';
  }

  return (
    <div class="dashboard" data-view={route.view}>
      <a class="skip-link" href="#main">
        {tr.t('common.skip')}
      </a>
      <TopBar
        route={route}
        form={form}
        onSearch={onSearch}
        tags={tags}
        search={search}
        hits={hits}
        hasCurrentCase={!!currentCaseId}
      />
      <CaseSidebar
        cases={cases}
        summaries={summaries}
        activeCaseId={activeCaseId}
        currentCaseId={route.view === 'case' || route.view === 'capture' ? currentCaseId : null}
        hrefFor={href.case}
        onMakeActive={(id) => void env.setActiveCase(id)}
        onCreate={env.createCase}
        onRename={async (id, name) => {
          // Team store (issue 18): a case imported read-only is never renamed, closed or reopened here.
          await refuseImported(db, { caseIds: [id] });
          await renameCase(db, { caseId: id, name, at: new Date().toISOString() });
        }}
        onSetStatus={async (id, status) => {
          await refuseImported(db, { caseIds: [id] });
          await setCaseStatus(db, { caseId: id, status, at: new Date().toISOString() });
          await env.syncWatch?.().catch(() => undefined);
        }}
        storage={storage}
        onPersist={() => void env.persistStorage().then(() => storageStatus().then(setStorage))}
      />
      <main id="main" tabIndex={-1}>
        <MainView
          env={env}
          route={route}
          signingKey={key}
          capture={capture}
          cases={cases}
          currentCaseId={currentCaseId}
          settingsRead={!!settings}
          tags={tags}
          form={form}
          hits={hits}
          caseCount={currentCaseId && summaries ? (summaries.get(currentCaseId)?.captures ?? 0) : null}
        />
      </main>
    </div>
  );
}

/** The header: the site name, the search bar ("/" jumps to it) and the verify and settings links. */
function TopBar(props: {
  route: Route;
  form: SearchForm;
  onSearch: (next: SearchForm) => void;
  tags: string[];
  search: CaptureSearchState;
  hits: ReturnType<typeof useSearchResults>;
  hasCurrentCase: boolean;
}) {
  const tr = useI18n();
  const { route, hits } = props;
  const searchInput = useRef<HTMLDivElement>(null);

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

  return (
    <header class="top">
      <h1>
        <a href="#/">
          <img src="/icon/32.png" alt="" width={24} height={24} />
          Hashmark
        </a>
      </h1>
      <div ref={searchInput} class="top-search">
        <SearchBar
          value={props.form}
          onChange={props.onSearch}
          tags={props.tags}
          domains={props.search.domains}
          resultCount={hits && hits.key ? hits.ids.length : null}
          indexing={props.search.indexing}
          hasCurrentCase={props.hasCurrentCase}
        />
      </div>
      <nav class="top-nav" aria-label={tr.t('nav.label')}>
        <a href={href.verify} aria-current={route.view === 'verify' ? 'page' : undefined}>
          <Icon name="shield" size={16} />
          {tr.t('nav.verify')}
        </a>
        <a href={href.team} aria-current={route.view === 'team' ? 'page' : undefined}>
          <Icon name="case" size={16} />
          {tr.t('nav.team')}
        </a>
        <a href={href.settings} aria-current={route.view === 'settings' ? 'page' : undefined}>
          <Icon name="settings" size={16} />
          {tr.t('nav.settings')}
        </a>
      </nav>
    </header>
  );
}

/** The view the route names: settings, verify, one capture, the first-case welcome, or a case's captures. */
function MainView(props: {
  env: DashboardEnv;
  route: Route;
  signingKey: KeyRecord | null;
  capture: CaptureRecord | undefined;
  cases: CaseRecord[];
  currentCaseId: string | null;
  /** False until the settings are read (no welcome flash before the cases are known). */
  settingsRead: boolean;
  tags: string[];
  form: SearchForm;
  hits: ReturnType<typeof useSearchResults>;
  /** Live captures of the current case (the case's counter), null until read. */
  caseCount: number | null;
}) {
  const tr = useI18n();
  const db = useDb();
  const { env, route, capture, cases, tags, hits, form, caseCount } = props;
  const caseNames = useMemo(() => new Map(cases.map((c) => [c.id, c.name])), [cases]);
  // Team store (issue 18): imported cases are read-only and marked with who signed them.
  const signers = useMemo(
    () => new Map(cases.flatMap((c) => (c.imported ? [[c.id, c.imported.signer] as const] : []))),
    [cases],
  );
  const currentCase = cases.find((c) => c.id === props.currentCaseId) ?? null;
  // No search: the case's list, read page by page by key (issue 22); a search: its result ids.
  const ids = hits ? hits.ids : [];
  const page = !hits && props.currentCaseId ? { caseId: props.currentCaseId, count: caseCount ?? 0 } : undefined;
  const grid = (
    <>
      {currentCase && !hits && <RecordingTimeline caseId={currentCase.id} />}
      <CaptureGrid
        ids={ids}
        page={page}
        caseNames={hits && form.scope === 'all' ? caseNames : undefined}
        signers={signers}
        tagSuggestions={tags}
        label={hits ? tr.t('search.resultsLabel') : tr.t('grid.label')}
        resultsFor={hits ? hits.key : ''}
        searchMs={hits?.ms}
      />
    </>
  );

  if (route.view === 'settings') {
    return (
      <SettingsView
        signingKey={props.signingKey}
        onDownloadKey={env.downloadKey}
        requestOrigin={env.requestOrigin}
        browserLang={env.browserLang}
        {...(env.hostAccess ? { hostAccess: env.hostAccess } : {})}
        {...(env.rotateKey ? { onRotateKey: env.rotateKey } : {})}
        {...(env.fastMode ? { fastMode: env.fastMode } : {})}
      />
    );
  }
  if (route.view === 'verify') return <VerifyPackagePanel verify={env.verify} sha256={env.sha256} />;
  if (route.view === 'team') return <TeamView store={env.teamStore} />;
  if (route.view === 'capture') {
    return capture ? (
      <CaptureDetail
        capture={capture}
        tagSuggestions={tags}
        backHref={href.case(capture.caseId)}
        onDeleted={() => (location.hash = href.case(capture.caseId))}
      />
    ) : (
      <p class="muted">{tr.t('detail.notFound')}</p>
    );
  }
  if (cases.length === 0 && props.settingsRead) {
    return (
      <section class="welcome">
        <h2>{tr.t('cases.firstTitle')}</h2>
        <p>{tr.t('cases.firstHint')}</p>
        <CasePicker
          cases={[]}
          activeCaseId={null}
          onSelect={() => undefined}
          onCreate={env.createCase}
          alwaysShowForm
          hideSelect
        />
      </section>
    );
  }
  return (
    <>
      {hits && form.scope === 'all' ? (
        <h2>{tr.t('search.allTitle')}</h2>
      ) : currentCase ? (
        <CaseHeader
          kase={currentCase}
          captureCount={caseCount}
          onExport={() => env.openExport(currentCase.id)}
          onAutoPush={async (on) => {
            await setCaseAutoPush(db, { caseId: currentCase.id, on, at: new Date().toISOString() });
          }}
        />
      ) : null}
      {currentCase && !(hits && form.scope === 'all') ? (
        <CaseViews key={currentCase.id} kase={currentCase} captureCount={caseCount} resultsFor={hits ? hits.key : ''}>
          {grid}
        </CaseViews>
      ) : (
        grid
      )}
    </>
  );
}
