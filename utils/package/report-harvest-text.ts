/**
 * Wording of the harvest section of data/report.html (issue 15) in the three report languages.
 * Apart from report-text.ts so a harvest's strings travel together; the same rules apply
 * (`{name}` placeholders, filled by report-text.ts `fill`).
 */
import type { ReportLang } from './report-text';

export interface HarvestReportStrings {
  heading: string;
  stopReason: string;
  complete: string;
  completeYes: string;
  /** A partial harvest is still evidence: the wording says so. */
  completeNo: string;
  items: string;
  steps: string;
  elapsed: string;
  /** `{s}` seconds. */
  seconds: string;
  site: string;
  detail: string;
  mayBeMissing: string;
  nothingMissing: string;
  /** `{n}` shown, `{total}` in all, `{jsonl}` and `{csv}` paths. */
  firstItems: string;
  allItems: string;
  colAuthor: string;
  colTime: string;
  colText: string;
  textCut: string;
  noItems: string;
}

export const HARVEST_REPORT_STRINGS: Record<ReportLang, HarvestReportStrings> = {
  en: {
    heading: 'Harvest (feed or thread)',
    stopReason: 'Why it stopped',
    complete: 'Complete',
    completeYes: 'yes: the end of the feed or the start of the thread was reached',
    completeNo: 'no: partial harvest (what was collected is kept as evidence; see what may be missing)',
    items: 'Items collected',
    steps: 'Scroll steps',
    elapsed: 'Duration',
    seconds: '{s} s',
    site: 'Site definition',
    detail: 'What the page said',
    mayBeMissing: 'What may be missing',
    nothingMissing: 'Nothing reported.',
    firstItems: 'The first {n} of {total} items, in page order.',
    allItems: 'All items, with their exact text and hashes: {jsonl} (one JSON line per item) and {csv}.',
    colAuthor: 'Author',
    colTime: 'Time',
    colText: 'Text',
    textCut: '(cut here; the full text is in items.jsonl)',
    noItems: 'No items were collected.',
  },
  fr: {
    heading: 'Moisson (fil ou conversation)',
    stopReason: 'Raison de l’arrêt',
    complete: 'Complète',
    completeYes: 'oui : la fin du fil ou le début de la conversation a été atteint',
    completeNo: 'non : moisson partielle (ce qui a été collecté est conservé comme preuve ; voir ce qui peut manquer)',
    items: 'Éléments collectés',
    steps: 'Étapes de défilement',
    elapsed: 'Durée',
    seconds: '{s} s',
    site: 'Définition du site',
    detail: 'Ce que la page affichait',
    mayBeMissing: 'Ce qui peut manquer',
    nothingMissing: 'Rien de signalé.',
    firstItems: 'Les {n} premiers éléments sur {total}, dans l’ordre de la page.',
    allItems:
      'Tous les éléments, avec leur texte exact et leurs empreintes : {jsonl} (une ligne JSON par élément) et {csv}.',
    colAuthor: 'Auteur',
    colTime: 'Heure',
    colText: 'Texte',
    textCut: '(coupé ici ; le texte complet est dans items.jsonl)',
    noItems: 'Aucun élément collecté.',
  },
  ar: {
    heading: 'الحصاد (موجز أو محادثة)',
    stopReason: 'سبب التوقف',
    complete: 'مكتمل',
    completeYes: 'نعم: تم الوصول إلى نهاية الموجز أو بداية المحادثة',
    completeNo: 'لا: حصاد جزئي (ما جُمع محفوظ كدليل؛ انظر ما قد يكون ناقصًا)',
    items: 'العناصر المجمعة',
    steps: 'خطوات التمرير',
    elapsed: 'المدة',
    seconds: '{s} ث',
    site: 'تعريف الموقع',
    detail: 'ما عرضته الصفحة',
    mayBeMissing: 'ما قد يكون ناقصًا',
    nothingMissing: 'لا شيء.',
    firstItems: 'أول {n} من {total} عنصرًا، بترتيب الصفحة.',
    allItems: 'جميع العناصر بنصها الدقيق وبصماتها: {jsonl} (سطر JSON لكل عنصر) و{csv}.',
    colAuthor: 'الكاتب',
    colTime: 'الوقت',
    colText: 'النص',
    textCut: '(قُطع هنا؛ النص الكامل في items.jsonl)',
    noItems: 'لم يُجمع أي عنصر.',
  },
};
