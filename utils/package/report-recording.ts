/**
 * The report's list of recording sessions (issue 16 item 8): for each session of the case (read
 * from the custody log by utils/recording/timeline.ts, like the dashboard's timeline), when it
 * ran, its scope, how it ended, and its page views — captured (by capture number), seen again,
 * missed. Its own file and strings, so the report's main module only places it.
 */
import type { ReportLang } from './report-text';
import { formatDateTime } from './report-text';
import type { TimelineSession } from '@/utils/recording/timeline';

const STRINGS: Record<
  ReportLang,
  Record<'heading' | 'intro' | 'session' | 'views' | 'ongoing' | 'interrupted', string>
> = {
  en: {
    heading: 'Recording sessions',
    intro: 'While a recording is on, every page view of its tabs is captured automatically (trigger "recording").',
    session: 'Recording {id}: {start} to {end}, scope {scope}',
    views: '{captured} captured ({numbers}), {again} seen again unchanged, {missed} not captured',
    ongoing: 'not stopped at export',
    interrupted: 'interrupted',
  },
  fr: {
    heading: 'Sessions d’enregistrement',
    intro:
      'Pendant un enregistrement, chaque page vue dans ses onglets est capturée automatiquement (déclencheur « recording »).',
    session: 'Enregistrement {id} : du {start} au {end}, portée {scope}',
    views: '{captured} capturées ({numbers}), {again} revues inchangées, {missed} non capturées',
    ongoing: 'non arrêté à l’export',
    interrupted: 'interrompu',
  },
  ar: {
    heading: 'جلسات التسجيل',
    intro: 'أثناء التسجيل، تُلتقط كل صفحة تُعرض في علاماته تلقائيًا (المشغّل "recording").',
    session: 'التسجيل {id}: من {start} إلى {end}، النطاق {scope}',
    views: '{captured} ملتقطة ({numbers})، {again} شوهدت مجددًا دون تغيير، {missed} لم تُلتقط',
    ongoing: 'لم يُوقف عند التصدير',
    interrupted: 'مقطوع',
  },
};

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fillIn = (t: string, v: Record<string, string | number>): string =>
  t.replace(/\{(\w+)\}/g, (m, k: string) => (k in v ? String(v[k]) : m));

/**
 * The section's HTML (empty when the case has no recording). `sequenceOf` gives a capture's
 * number in the export (captures not in it — deleted, or after the export started — are left out).
 */
export function recordingSessionsSection(
  sessions: readonly TimelineSession[],
  lang: ReportLang,
  sequenceOf: (captureId: string) => number | undefined,
): string {
  if (sessions.length === 0) return '';
  const t = STRINGS[lang];
  const when = (iso: string) => esc(formatDateTime(iso, lang) ?? iso);
  const items = sessions.map((s) => {
    const nums = s.views.flatMap((v) => {
      const n = v.kind === 'capture' && v.captureId ? sequenceOf(v.captureId) : undefined;
      return n === undefined ? [] : [`#${n}`];
    });
    const end = s.endedAt
      ? when(s.endedAt) + (s.end === 'interrupted' ? ` (${esc(t.interrupted)})` : '')
      : esc(t.ongoing);
    const head = fillIn(esc(t.session), {
      id: `<code>${esc(s.recordingId)}</code>`,
      start: when(s.startedAt),
      end,
      scope: esc(s.scope),
    });
    const views = fillIn(esc(t.views), {
      captured: nums.length,
      numbers: nums.join(', '),
      again: s.views.filter((v) => v.kind === 'seen-again').length,
      missed: s.views.filter((v) => v.kind === 'missed').length,
    });
    return `<li>${head}<br>${views}</li>`;
  });
  return (
    `<section id="recordings">\n<h2>${esc(t.heading)}</h2>\n<p>${esc(t.intro)}</p>\n` +
    `<ul>\n${items.join('\n')}\n</ul>\n</section>\n`
  );
}
