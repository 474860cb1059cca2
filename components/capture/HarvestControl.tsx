import { useEffect, useState } from 'preact/hooks';
import { getSettings, HARVEST_LIMITS_MAX, type SettingsRecord } from '@/utils/db';
import type { HarvestStatus } from '@/utils/harvest/status';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { HarvestLimitFields, readHarvestLimits } from './HarvestLimitFields';
import { useLive } from '../hooks/use-live';
import { Icon } from '../common/Icon';
import { formatElapsed, stopReasonKey } from './harvest-format';
import './harvest.css';

/**
 * The popup's "Capture feed / thread…" control (issue 15): the kind of page and the limits (from
 * the settings, changeable for this harvest), Start, then the live count and elapsed time with a
 * Stop that keeps what was collected, then the stored capture's number, why it stopped and what
 * may be missing. A harvest outlasts the popup: reopened, the popup finds the harvest still
 * running in the tab behind it and follows it again.
 */

export type HarvestMode = 'auto' | 'feed' | 'thread';

/** What the control needs from the browser (wired in the popup's main.tsx: messages to the background). */
export interface HarvestEnv {
  harvestStart(req: { mode: HarvestMode; maxItems: number; maxMinutes: number }): Promise<HarvestStatus>;
  harvestStatus(q: { jobId: string } | { tabId: number }): Promise<HarvestStatus | null>;
  harvestStop(jobId: string): Promise<{ stopping: boolean }>;
  /** The tab a harvest would act on (the active tab behind the popup), or null. */
  activeTabId(): Promise<number | null>;
}

/** How often a running harvest is asked for its progress. */
const HARVEST_POLL_MS = 700;
const MODES: readonly HarvestMode[] = ['feed', 'thread', 'auto'];

/** The outcome of a harvest that ended: stored (with its report) or failed. */
function HarvestOutcome({ status }: { status: HarvestStatus }) {
  const tr = useI18n();
  if (status.state === 'failed') {
    return <p class="status err">{tr.t('harvest.failed', { reason: status.error ?? '' })}</p>;
  }
  const report = status.report;
  return (
    <div class="harvest-outcome">
      <p class="status ok">{tr.t('harvest.stored', { n: status.sequence, count: status.items })}</p>
      {report && (
        <>
          <p data-testid="harvest-reason" data-reason={report.stopReason}>
            {tr.t(stopReasonKey(report.stopReason))} {formatElapsed(report.elapsedMs)}
          </p>
          <p class={report.complete ? 'status ok' : 'status warn'} data-complete={String(report.complete)}>
            {report.complete ? tr.t('harvest.complete') : tr.t('harvest.incomplete')}
          </p>
          {report.mayBeMissing.length > 0 && (
            <div class="may-be-missing">
              <p>{tr.t('harvest.mayBeMissing')}</p>
              {/* Recorded sentences, in English as in capture.json: shown as they are. */}
              <ul lang="en" dir="ltr">
                {report.mayBeMissing.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </div>
  );
}

export function HarvestControl({ env }: { env: HarvestEnv }) {
  const tr = useI18n();
  const db = useDb();
  const settings = useLive<SettingsRecord | null>(() => getSettings(db), [db], null);
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<HarvestMode>('feed');
  const [items, setItems] = useState<string | null>(null);
  const [minutes, setMinutes] = useState<string | null>(null);
  const [status, setStatus] = useState<HarvestStatus | null>(null);
  const [busy, setBusy] = useState<'starting' | 'stopping' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  // Reopened popup: follow the harvest still running in the tab behind it.
  useEffect(() => {
    let live = true;
    void env
      .activeTabId()
      .then((tabId) => (tabId === null ? null : env.harvestStatus({ tabId })))
      .then((s) => {
        if (live && s?.state === 'running') {
          setStatus(s);
          setOpen(true);
        }
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [env]);

  const runningJob = status?.state === 'running' ? status.jobId : null;
  useEffect(() => {
    if (!runningJob) return;
    let live = true;
    const timer = setInterval(() => {
      setNow(Date.now());
      void env.harvestStatus({ jobId: runningJob }).then(
        (s) => {
          if (!live || !s) return;
          setStatus(s);
          if (s.state !== 'running') setBusy(null);
        },
        () => undefined, // A missed poll (worker restarting) is retried at the next tick.
      );
    }, HARVEST_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [env, runningJob]);

  const defaults = settings?.harvestLimits;
  const itemsText = items ?? String(defaults?.maxItems ?? '');
  const minutesText = minutes ?? String(defaults?.maxMinutes ?? '');
  const { limits, ok: limitsOk } = readHarvestLimits(itemsText, minutesText);

  async function start() {
    setBusy('starting');
    setError(null);
    try {
      setStatus(await env.harvestStart({ mode, ...limits }));
      setNow(Date.now());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  }

  async function stop() {
    if (!status) return;
    setBusy('stopping');
    try {
      // Stays "stopping" until the harvest has stored what it collected (the poll sees it end).
      if (!(await env.harvestStop(status.jobId)).stopping) setBusy(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(null);
    }
  }

  const running = status?.state === 'running';
  const elapsed = status ? Math.max(0, now - Date.parse(status.startedAt)) : 0;
  return (
    <details class="harvest-control disclosure" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary data-testid="harvest-open">
        <Icon name="chevron" size={14} class="disclosure-mark" />
        <Icon name="harvest" size={16} />
        {tr.t('harvest.open')}
      </summary>
      {!running && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <fieldset class="harvest-mode">
            <legend>{tr.t('harvest.mode')}</legend>
            {MODES.map((m) => (
              <label key={m}>
                <input type="radio" name="harvest-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />{' '}
                {tr.t(`harvest.mode.${m}`)}
              </label>
            ))}
          </fieldset>
          <div class="harvest-limits">
            <HarvestLimitFields
              names={{ items: 'harvest-max-items', minutes: 'harvest-max-minutes' }}
              labels={{ items: tr.t('harvest.maxItems'), minutes: tr.t('harvest.maxMinutes') }}
              items={itemsText}
              minutes={minutesText}
              setItems={setItems}
              setMinutes={setMinutes}
            />
          </div>
          {settings && !limitsOk && (
            <p class="error">
              {tr.t('harvest.limitsInvalid', {
                items: HARVEST_LIMITS_MAX.maxItems,
                minutes: HARVEST_LIMITS_MAX.maxMinutes,
              })}
            </p>
          )}
          <button
            type="submit"
            class="primary"
            disabled={!settings || !limitsOk || busy !== null}
            data-testid="harvest-start"
          >
            {busy === 'starting' ? tr.t('harvest.starting') : tr.t('harvest.start')}
          </button>
        </form>
      )}
      <div role="status" aria-live="polite" data-testid="harvest-status" data-state={status?.state ?? 'idle'}>
        {running && status && (
          <p class="harvest-progress" data-items={status.items}>
            {tr.t('harvest.running', { n: status.sequence, count: status.items, elapsed: formatElapsed(elapsed) })}
          </p>
        )}
        {status && !running && <HarvestOutcome status={status} />}
        {error && <p class="status err">{error}</p>}
      </div>
      {running && (
        <button type="button" onClick={() => void stop()} disabled={busy !== null} data-testid="harvest-stop">
          {busy === 'stopping' ? tr.t('harvest.stopping') : tr.t('harvest.stop')}
        </button>
      )}
    </details>
  );
}
