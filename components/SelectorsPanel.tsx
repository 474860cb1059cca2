import { selectorLinks, type SelectorLinks } from '@/utils/db';
import { useDb } from './db';
import { useI18n } from './i18n';
import { href } from './route';
import { useLive } from './use-live';

/**
 * The selectors (phones, e-mails, handles, wallets) of one capture and, for each, the other
 * captures across all cases where the same normalised value appears: one click to each.
 */
export function SelectorsPanel({ captureId }: { captureId: string }) {
  const tr = useI18n();
  const db = useDb();
  const links = useLive<SelectorLinks[]>(() => selectorLinks(captureId, db), [captureId, db], []);
  if (!links.length) return <p class="selectors-none">{tr.t('selectors.none')}</p>;
  return (
    <ul class="selectors">
      {links.map((s) => (
        <li key={`${s.kind}:${s.value}`} data-selector={s.value}>
          <span class="selector-kind">{tr.t(`selectors.kind.${s.kind}` as 'selectors.kind.phone')}</span>{' '}
          <bdi>
            <code>{s.value}</code>
          </bdi>
          {s.platform ? ` (${s.platform})` : ''}
          <div class="selector-raw">
            {tr.t('selectors.written')}: {s.raw.map((r, i) => (
              <span key={i}>
                {i ? ', ' : ''}
                <q dir="auto">{r}</q>
              </span>
            ))}
          </div>
          <div class="selector-seen" data-captures={s.captures.length} data-cases={s.cases}>
            {tr.t('selectors.seenIn', { count: s.captures.length, cases: s.cases })}
            <ul>
              {s.captures
                .filter((c) => c.captureId !== captureId)
                .map((c) => (
                  <li key={c.captureId}>
                    <a href={href.capture(c.captureId)}>
                      <bdi>{c.caseName}</bdi> #{c.sequence} <bdi>{c.title}</bdi>
                    </a>
                  </li>
                ))}
            </ul>
          </div>
        </li>
      ))}
    </ul>
  );
}
