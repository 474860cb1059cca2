/**
 * The network rows of a capture's facts in report.html (issue 21 items 2 and 6): HTTP status
 * (marked when it is an error, so a 404 page does not read like the post), server IP, the
 * address asked for before redirects, and key response headers. Own strings per language, kept
 * here rather than in report-text.ts so this block stays in one place.
 */
import type { ReportLang } from './report-text';
import { isErrorStatus, type NetworkSummary } from './network-summary';

interface NetworkStrings {
  status: string;
  errorStatus: string;
  ip: string;
  requested: string;
  redirects: string;
  header: string;
  notRecorded: string;
  networkError: string;
  unreachable: string;
}

const STRINGS: Record<ReportLang, NetworkStrings> = {
  en: {
    status: 'HTTP status',
    errorStatus: 'error: the server sent an error page, not the content',
    ip: 'Server IP address',
    requested: 'Address asked for (before redirects)',
    redirects: 'redirect(s)',
    header: 'Response header',
    notRecorded: 'not recorded (see the limitations)',
    networkError: 'Network error',
    unreachable: "the site did not answer: the screenshot shows the browser's own error page",
  },
  fr: {
    status: 'Statut HTTP',
    errorStatus: "erreur : le serveur a envoyé une page d'erreur, pas le contenu",
    ip: 'Adresse IP du serveur',
    requested: 'Adresse demandée (avant redirections)',
    redirects: 'redirection(s)',
    header: 'En-tête de réponse',
    notRecorded: 'non enregistré (voir les limites)',
    networkError: 'Erreur réseau',
    unreachable: "le site n'a pas répondu : la capture d'écran montre la page d'erreur du navigateur",
  },
  ar: {
    status: 'حالة HTTP',
    errorStatus: 'خطأ: أرسل الخادم صفحة خطأ وليس المحتوى',
    ip: 'عنوان IP للخادم',
    requested: 'الرابط المطلوب (قبل إعادة التوجيه)',
    redirects: 'إعادة توجيه',
    header: 'ترويسة الاستجابة',
    notRecorded: 'غير مسجل (انظر القيود)',
    networkError: 'خطأ في الشبكة',
    unreachable: 'لم يستجب الموقع: تُظهر لقطة الشاشة صفحة الخطأ الخاصة بالمتصفح',
  },
};

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * [label (plain text: the report escapes it), HTML] rows for the facts list; `code` is the report's own escaping of server text
 * (escaped, isolated, control characters shown), so nothing here writes server text raw.
 */
export function networkRows(
  n: NetworkSummary | null,
  lang: ReportLang,
  code: (s: string) => string,
): [string, string][] {
  const t = STRINGS[lang];
  if (!n) return [[t.status, `<span class="muted">${esc(t.notRecorded)}</span>`]];
  const rows: [string, string][] = [];
  if (n.networkError)
    rows.push([
      t.networkError,
      `<strong class="status-error">${code(n.networkError)} (${esc(t.unreachable)})</strong>`,
    ]);
  if (n.statusCode !== null) {
    const line = code(n.statusLine || String(n.statusCode));
    rows.push([
      t.status,
      isErrorStatus(n) ? `<strong class="status-error">${line} (${esc(t.errorStatus)})</strong>` : line,
    ]);
  }
  if (n.ip) rows.push([t.ip, code(n.ip)]);
  if (n.requestedUrl) rows.push([t.requested, `${code(n.requestedUrl)} (${n.redirects} ${esc(t.redirects)})`]);
  for (const h of n.headers) rows.push([`${t.header}: ${h.name}`, code(h.value)]);
  return rows;
}
