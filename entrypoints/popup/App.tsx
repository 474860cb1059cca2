import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CaptureCard, JobCard } from '@/components/CaptureCard';
import { CasePicker } from '@/components/CasePicker';
import { useLive } from '@/components/use-live';
import { getSettings, listCaptures, listCases, recentJobs, type CaptureRecord, type JobRecord } from '@/utils/db';
import { send } from '@/utils/messaging';

type Outcome = { kind: 'idle' } | { kind: 'busy' } | { kind: 'ok'; text: string; sha256: string } | { kind: 'err'; text: string };

/** Toolbar popup: active case, the Capture button, the last captures, export. */
export function App() {
  const settings = useLive(() => getSettings(), [], null);
  const cases = useLive(() => listCases(), [], []);
  const activeCaseId = settings?.activeCaseId ?? null;
  const captures = useLive<CaptureRecord[]>(() => (activeCaseId ? listCaptures(activeCaseId, 10) : Promise.resolve([])), [activeCaseId], []);
  const jobs = useLive<JobRecord[]>(() => (activeCaseId ? recentJobs(activeCaseId, 3) : Promise.resolve([])), [activeCaseId], []);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  async function capture() {
    setOutcome({ kind: 'busy' });
    try {
      const r = await send('capture.start', { trigger: 'popup' }, browser.runtime);
      setOutcome({ kind: 'ok', text: `Capture #${r.sequence} stored (${r.elapsedMs} ms).`, sha256: r.captureJsonSha256 });
    } catch (e) {
      setOutcome({ kind: 'err', text: e instanceof Error ? e.message : String(e) });
    }
  }

  async function exportCase() {
    if (!activeCaseId) return;
    // The popup closes when it loses focus: the export runs in its own extension tab.
    await browser.tabs.create({ url: browser.runtime.getURL(`/export.html?case=${encodeURIComponent(activeCaseId)}`) });
  }

  return (
    <main>
      <h1>Hashmark</h1>
      <CasePicker
        cases={cases}
        activeCaseId={activeCaseId}
        onSelect={(caseId) => void send('case.setActive', { caseId }, browser.runtime)}
        onCreate={async (name, reference) => {
          await send('case.create', { name, reference, activate: true }, browser.runtime);
        }}
      />
      <button
        type="button"
        class="primary capture-button"
        disabled={!activeCaseId || outcome.kind === 'busy'}
        onClick={capture}
        data-testid="capture"
      >
        {outcome.kind === 'busy' ? 'Capturing…' : 'Capture this page'}
      </button>
      <p class="outcome" role="status" aria-live="polite" data-state={outcome.kind}>
        {outcome.kind === 'ok' && (
          <span class="status ok">
            {outcome.text} SHA-256 <code>{outcome.sha256.slice(0, 16)}…</code>
          </span>
        )}
        {outcome.kind === 'err' && <span class="status err">{outcome.text}</span>}
        {!activeCaseId && 'Create a case to start capturing.'}
      </p>
      {activeCaseId && (
        <section aria-label="Recent captures">
          <ul class="capture-list">
            {jobs.filter((j) => j.state === 'running').map((j) => <JobCard key={j.id} job={j} />)}
            {captures.map((c) => <CaptureCard key={c.id} capture={c} />)}
            {jobs.filter((j) => j.state === 'failed').map((j) => <JobCard key={j.id} job={j} />)}
          </ul>
        </section>
      )}
      <footer>
        <button type="button" onClick={exportCase} disabled={!activeCaseId || captures.length === 0} data-testid="export">
          Export case (signed ZIP)
        </button>
        <button type="button" class="link" onClick={() => void browser.runtime.openOptionsPage()}>
          Settings
        </button>
      </footer>
    </main>
  );
}
