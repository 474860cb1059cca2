import type { Lang } from '@/utils/i18n';

/**
 * Wording of data/report.html in the three UI languages, and how dates and numbers are written
 * in each. Dates are formatted here rather than with Intl: Intl's output depends on the ICU
 * version of the browser or Node that runs the export, and the export must give the same bytes
 * for the same case and clock. Digits are Western in every language, so that times and sizes can
 * be compared character by character with the hashes, capture.json and the custody log.
 */

/** The report is written in the interface language (the same three as the rest of Hashmark). */
export type ReportLang = Lang;

export interface ReportStrings {
  dir: 'ltr' | 'rtl';
  /** `{case}` */
  documentTitle: string;
  heading: string;
  intro: string;
  /** `{k}`, `{n}`, `{id}` */
  partNotice: string;
  verifyHeading: string;
  verifyText: string;
  caseHeading: string;
  caseName: string;
  reference: string;
  caseId: string;
  investigator: string;
  unit: string;
  organisation: string;
  created: string;
  exported: string;
  keyFingerprint: string;
  software: string;
  exportId: string;
  part: string;
  /** `{k}`, `{n}` */
  partOf: string;
  notSet: string;
  indexHeading: string;
  colNumber: string;
  colPart: string;
  colFinished: string;
  colUrl: string;
  colTitle: string;
  inThisPart: string;
  /** `{k}` */
  seePart: string;
  noCaptures: string;
  /** `{n}` */
  captureHeading: string;
  /** `{x}`: the exhibit number, beside the capture heading. */
  exhibit: string;
  urlStart: string;
  urlEnd: string;
  titleStart: string;
  titleEnd: string;
  unchanged: string;
  started: string;
  finished: string;
  timeZone: string;
  folder: string;
  captureJsonSha256: string;
  trustedTime: string;
  /** `{file}` */
  tokenFile: string;
  /** Issue 18: a capture bag's notice; the store copy of a capture (`{key}`, `{version}`, `{date}`). */
  captureBagNotice: string;
  storeCopy: string;
  storeCopyValue: string;
  /** `{ms}`: the TSA's time minus this computer's clock when the token arrived, signed. */
  tsaSkew: string;
  thumbnailCaption: string;
  /** `{path}` */
  openFullImage: string;
  /** `{path}` */
  noThumbnail: string;
  noScreenshot: string;
  /** `{reason}` */
  captureJsonUnreadable: string;
  artifactsHeading: string;
  colFile: string;
  colType: string;
  colBytes: string;
  colRole: string;
  colMethod: string;
  colSha256: string;
  original: string;
  derived: string;
  /** `{files}` */
  derivedFrom: string;
  limitationsHeading: string;
  limitationsNote: string;
  noLimitations: string;
  selectorsHeading: string;
  noSelectors: string;
  /** `{forms}` */
  asWritten: string;
  tagsHeading: string;
  noTags: string;
  selectorKinds: Record<string, string>;
  invisibleLegend: string;
  /** `{software}`, `{date}` */
  footer: string;
  months: readonly string[];
}

const en: ReportStrings = {
  dir: 'ltr',
  documentTitle: 'Evidence report: {case}',
  heading: 'Evidence report',
  intro:
    'This report summarises the web captures of one case, exported by Hashmark. It is a reading aid: the evidence is the files in this package, checked as explained in VERIFY.txt.',
  partNotice:
    'This package is part {k} of {n} of one export (group {id}). Each part is complete and can be checked on its own. Captures held in other parts are listed below with their part number; their details are in those parts.',
  verifyHeading: 'How to check this package',
  verifyText:
    'Follow VERIFY.txt at the top of the package: plain-language steps, then the exact commands (sha256sum, openssl). The signing key fingerprint below must equal the one obtained from the investigator separately.',
  caseHeading: 'Case',
  caseName: 'Case name',
  reference: 'Case reference',
  caseId: 'Case identifier',
  investigator: 'Investigator',
  unit: 'Unit',
  organisation: 'Organisation',
  created: 'Case created',
  exported: 'Exported',
  keyFingerprint: 'Signing key fingerprint (SHA-256)',
  software: 'Software',
  exportId: 'Export identifier',
  part: 'Part',
  partOf: '{k} of {n}',
  notSet: 'not set',
  indexHeading: 'Captures in this export',
  colNumber: 'No.',
  colPart: 'Part',
  colFinished: 'Finished',
  colUrl: 'Address (URL)',
  colTitle: 'Page title',
  inThisPart: 'in this part',
  seePart: 'see part {k}',
  noCaptures: 'This case has no captures.',
  captureHeading: 'Capture {n}',
  exhibit: 'Exhibit {x}',
  urlStart: 'Address at start',
  urlEnd: 'Address at end',
  titleStart: 'Title at start',
  titleEnd: 'Title at end',
  unchanged: '(unchanged during the capture)',
  started: 'Started',
  finished: 'Finished',
  timeZone: "Time zone of the investigator's computer",
  folder: 'Folder in the package',
  captureJsonSha256: 'SHA-256 of capture.json',
  trustedTime: 'Trusted timestamp of capture.json (RFC 3161)',
  tokenFile: '(token: {file})',
  captureBagNotice:
    "This package is a capture bag: one capture, sealed and signed right after it was stored and pushed to the team store. Its custody log ends with that capture's storage; the case's other and later captures are in the case's exports.",
  storeCopy: 'Sealed copy in the team store',
  storeCopyValue: '{key}, version {version}, retained until {date}',
  tsaSkew: "Clock skew when the token arrived (the authority's time minus this computer's clock): {ms}",
  thumbnailCaption: 'Screenshot of the visible part of the page (reduced copy).',
  openFullImage: 'Full-size image: {path}',
  noThumbnail: 'No reduced copy could be made; see the file {path}.',
  noScreenshot: 'This capture has no screenshot of the visible part of the page.',
  captureJsonUnreadable: 'capture.json could not be read ({reason}); its file and hash are listed below.',
  artifactsHeading: 'Files',
  colFile: 'File',
  colType: 'Type',
  colBytes: 'Size (bytes)',
  colRole: 'Origin',
  colMethod: 'Method',
  colSha256: 'SHA-256',
  original: 'original',
  derived: 'derived',
  derivedFrom: 'from {files}',
  limitationsHeading: 'Limitations (what this capture could not record)',
  limitationsNote: 'As recorded at capture time.',
  noLimitations: 'None recorded.',
  selectorsHeading: 'Contact and identity values found',
  noSelectors: 'None found.',
  asWritten: 'as written on the page: {forms}',
  tagsHeading: 'Tags',
  noTags: 'None.',
  selectorKinds: { phone: 'Phone', email: 'Email', handle: 'Account', wallet: 'Wallet' },
  invisibleLegend:
    'Invisible control characters in page text (such as direction overrides) are shown as [U+XXXX]; the exact text is in capture.json. Web addresses are shown as text, not links, so that reading the report never contacts a website.',
  footer: 'Made by {software} on {date}. Hashes are SHA-256, in hexadecimal.',
  months: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
};

const fr: ReportStrings = {
  dir: 'ltr',
  documentTitle: 'Rapport des preuves numériques : {case}',
  heading: 'Rapport des preuves numériques',
  intro:
    "Ce rapport résume les captures de pages web d'une affaire, exportées par Hashmark. C'est une aide à la lecture : les preuves sont les fichiers de ce paquet, à vérifier comme l'explique le fichier VERIFY.txt.",
  partNotice:
    "Ce paquet est la partie {k} sur {n} d'un même export (groupe {id}). Chaque partie est complète et peut être vérifiée séparément. Les captures contenues dans les autres parties figurent dans la liste ci-dessous avec leur numéro de partie ; leur détail se trouve dans ces parties.",
  verifyHeading: 'Vérifier ce paquet',
  verifyText:
    "Suivez le fichier VERIFY.txt, à la racine du paquet : explications en langage courant, puis commandes exactes (sha256sum, openssl). L'empreinte de la clé de signature indiquée ci-dessous doit être identique à celle obtenue séparément auprès de l'enquêteur.",
  caseHeading: 'Affaire',
  caseName: "Intitulé de l'affaire",
  reference: 'Référence',
  caseId: "Identifiant de l'affaire",
  investigator: 'Enquêteur',
  unit: 'Service',
  organisation: 'Organisme',
  created: "Création de l'affaire",
  exported: 'Export',
  keyFingerprint: 'Empreinte de la clé de signature (SHA-256)',
  software: 'Logiciel',
  exportId: "Identifiant de l'export",
  part: 'Partie',
  partOf: '{k} sur {n}',
  notSet: 'non renseigné',
  indexHeading: 'Captures de cet export',
  colNumber: 'N°',
  colPart: 'Partie',
  colFinished: 'Fin',
  colUrl: 'Adresse (URL)',
  colTitle: 'Titre de la page',
  inThisPart: 'dans cette partie',
  seePart: 'voir la partie {k}',
  noCaptures: 'Cette affaire ne contient aucune capture.',
  captureHeading: 'Capture n° {n}',
  exhibit: 'Pièce {x}',
  urlStart: 'Adresse au début',
  urlEnd: 'Adresse à la fin',
  titleStart: 'Titre au début',
  titleEnd: 'Titre à la fin',
  unchanged: '(inchangé pendant la capture)',
  started: 'Début',
  finished: 'Fin',
  timeZone: "Fuseau horaire de l'ordinateur de l'enquêteur",
  folder: 'Dossier dans le paquet',
  captureJsonSha256: 'SHA-256 de capture.json',
  trustedTime: 'Horodatage de capture.json par un tiers (RFC 3161)',
  tokenFile: '(jeton : {file})',
  captureBagNotice:
    "Ce paquet est un paquet de capture : une seule capture, scellée et signée juste après son enregistrement puis envoyée au dépôt d'équipe. Son journal de traçabilité s'arrête à l'enregistrement de cette capture ; les autres captures de l'affaire sont dans ses exports.",
  storeCopy: "Copie scellée dans le dépôt d'équipe",
  storeCopyValue: '{key}, version {version}, conservée jusqu’au {date}',
  tsaSkew: "Écart d'horloge à l'arrivée du jeton (heure de l'autorité moins l'horloge de cet ordinateur) : {ms}",
  thumbnailCaption: "Capture d'écran de la partie visible de la page (copie réduite).",
  openFullImage: 'Image en taille réelle : {path}',
  noThumbnail: "Aucune copie réduite n'a pu être produite ; voir le fichier {path}.",
  noScreenshot: "Cette capture ne comporte pas de capture d'écran de la partie visible de la page.",
  captureJsonUnreadable:
    "Le fichier capture.json n'a pas pu être lu ({reason}) ; le fichier et son empreinte figurent ci-dessous.",
  artifactsHeading: 'Fichiers',
  colFile: 'Fichier',
  colType: 'Type',
  colBytes: 'Taille (octets)',
  colRole: 'Nature',
  colMethod: 'Méthode',
  colSha256: 'SHA-256',
  original: 'original',
  derived: 'dérivé',
  derivedFrom: 'à partir de {files}',
  limitationsHeading: "Limites (ce que cette capture n'a pas pu enregistrer)",
  limitationsNote: 'Telles qu’enregistrées lors de la capture.',
  noLimitations: 'Aucune limite enregistrée.',
  selectorsHeading: 'Coordonnées et identifiants relevés',
  noSelectors: 'Aucun relevé.',
  asWritten: 'forme relevée sur la page : {forms}',
  tagsHeading: 'Étiquettes',
  noTags: 'Aucune.',
  selectorKinds: { phone: 'Téléphone', email: 'Courriel', handle: 'Compte', wallet: 'Portefeuille' },
  invisibleLegend:
    "Les caractères de contrôle invisibles présents dans le texte des pages (par exemple les inversions du sens d'écriture) sont affichés sous la forme [U+XXXX] ; le texte exact figure dans capture.json. Les adresses web sont affichées en texte et non en liens, afin que la lecture du rapport ne contacte jamais un site.",
  footer: 'Établi par {software} le {date}. Les empreintes sont des SHA-256, en hexadécimal.',
  months: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
};

const ar: ReportStrings = {
  dir: 'rtl',
  documentTitle: 'تقرير الأدلة الرقمية: {case}',
  heading: 'تقرير الأدلة الرقمية',
  intro:
    'يلخّص هذا التقرير عمليات التقاط صفحات الويب الخاصة بقضية واحدة، كما صدّرها برنامج Hashmark. وهو أداة مساعدة على القراءة فقط: الأدلة هي الملفات الموجودة في هذه الحزمة، ويجري التحقق منها وفق ما يشرحه الملف VERIFY.txt.',
  partNotice:
    'هذه الحزمة هي الجزء {k} من {n} من عملية تصدير واحدة (المجموعة {id}). كل جزء كامل ويمكن التحقق منه على حدة. عمليات الالتقاط الموجودة في الأجزاء الأخرى مدرجة في القائمة أدناه مع رقم الجزء، وتفاصيلها موجودة في تلك الأجزاء.',
  verifyHeading: 'التحقق من هذه الحزمة',
  verifyText:
    'اتبع الملف VERIFY.txt الموجود في المستوى الأعلى من الحزمة: شرح مبسّط، ثم الأوامر الدقيقة (sha256sum وopenssl). يجب أن تكون بصمة مفتاح التوقيع المذكورة أدناه مطابقة للبصمة التي تم الحصول عليها من المحقق بشكل منفصل.',
  caseHeading: 'القضية',
  caseName: 'اسم القضية',
  reference: 'مرجع القضية',
  caseId: 'معرّف القضية',
  investigator: 'المحقق',
  unit: 'الوحدة',
  organisation: 'الجهة',
  created: 'تاريخ إنشاء القضية',
  exported: 'تاريخ التصدير',
  keyFingerprint: 'بصمة مفتاح التوقيع (SHA-256)',
  software: 'البرنامج',
  exportId: 'معرّف التصدير',
  part: 'الجزء',
  partOf: '{k} من {n}',
  notSet: 'غير محدد',
  indexHeading: 'عمليات الالتقاط في هذا التصدير',
  colNumber: 'الرقم',
  colPart: 'الجزء',
  colFinished: 'الانتهاء',
  colUrl: 'الرابط (URL)',
  colTitle: 'عنوان الصفحة',
  inThisPart: 'في هذا الجزء',
  seePart: 'انظر الجزء {k}',
  noCaptures: 'لا تتضمن هذه القضية أي عملية التقاط.',
  captureHeading: 'الالتقاط رقم {n}',
  exhibit: 'الدليل {x}',
  urlStart: 'الرابط عند البدء',
  urlEnd: 'الرابط عند الانتهاء',
  titleStart: 'عنوان الصفحة عند البدء',
  titleEnd: 'عنوان الصفحة عند الانتهاء',
  unchanged: '(لم يتغيّر أثناء الالتقاط)',
  started: 'البدء',
  finished: 'الانتهاء',
  timeZone: 'المنطقة الزمنية لحاسوب المحقق',
  folder: 'المجلد داخل الحزمة',
  captureJsonSha256: 'بصمة SHA-256 للملف capture.json',
  trustedTime: 'الختم الزمني للملف capture.json من جهة موثوقة (RFC 3161)',
  tokenFile: '(الرمز: {file})',
  captureBagNotice:
    'هذه الحزمة حزمة التقاط: التقاط واحد خُتم ووُقّع مباشرة بعد حفظه ثم أُرسل إلى مستودع الفريق. ينتهي سجل حفظ الأدلة فيها بحفظ هذا الالتقاط؛ أما بقية التقاطات القضية ففي تصديراتها.',
  storeCopy: 'نسخة مختومة في مستودع الفريق',
  storeCopyValue: '{key}، الإصدار {version}، محفوظة حتى {date}',
  tsaSkew: 'فرق الساعة عند وصول الرمز (وقت جهة الختم ناقص ساعة هذا الحاسوب): {ms}',
  thumbnailCaption: 'لقطة شاشة للجزء الظاهر من الصفحة (نسخة مصغّرة).',
  openFullImage: 'الصورة بحجمها الكامل: {path}',
  noThumbnail: 'تعذّر إعداد نسخة مصغّرة؛ انظر الملف {path}.',
  noScreenshot: 'لا يتضمن هذا الالتقاط لقطة شاشة للجزء الظاهر من الصفحة.',
  captureJsonUnreadable: 'تعذّرت قراءة الملف capture.json ({reason})؛ الملف وبصمته مدرجان أدناه.',
  artifactsHeading: 'الملفات',
  colFile: 'الملف',
  colType: 'النوع',
  colBytes: 'الحجم (بايت)',
  colRole: 'الطبيعة',
  colMethod: 'الطريقة',
  colSha256: 'SHA-256',
  original: 'أصلي',
  derived: 'مشتق',
  derivedFrom: 'من {files}',
  limitationsHeading: 'القيود (ما لم يتمكن هذا الالتقاط من تسجيله)',
  limitationsNote: 'كما سُجّلت وقت الالتقاط.',
  noLimitations: 'لم يُسجَّل أي قيد.',
  selectorsHeading: 'بيانات الاتصال والهوية المستخرجة',
  noSelectors: 'لم يُعثر على أي منها.',
  asWritten: 'كما وردت في الصفحة: {forms}',
  tagsHeading: 'الوسوم',
  noTags: 'لا يوجد.',
  selectorKinds: { phone: 'هاتف', email: 'بريد إلكتروني', handle: 'حساب', wallet: 'محفظة' },
  invisibleLegend:
    'تظهر أحرف التحكم غير المرئية الواردة في نصوص الصفحات (مثل أحرف عكس اتجاه الكتابة) على شكل [U+XXXX]، والنص الدقيق موجود في الملف capture.json. تُعرض عناوين المواقع كنص وليس كروابط، حتى لا تؤدي قراءة التقرير إلى الاتصال بأي موقع.',
  footer: 'أُعدّ بواسطة {software} في {date}. البصمات هي قيم SHA-256 بالترميز الست عشري.',
  months: [
    'يناير',
    'فبراير',
    'مارس',
    'أبريل',
    'مايو',
    'يونيو',
    'يوليو',
    'أغسطس',
    'سبتمبر',
    'أكتوبر',
    'نوفمبر',
    'ديسمبر',
  ],
};

export const REPORT_STRINGS: Record<ReportLang, ReportStrings> = { en, fr, ar };

/** Fills `{name}` placeholders. Values are inserted as they are: escape them first when producing HTML. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * A UTC date and time written for `lang`: `27 November 2026, 12:00:00 UTC`,
 * `1er novembre 2026 à 12:00:00 UTC`, `27 نوفمبر 2026، 12:00:00 UTC`. Null for an unparseable value.
 */
export function formatDateTime(iso: string, lang: ReportLang): string | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const day = d.getUTCDate();
  const month = REPORT_STRINGS[lang].months[d.getUTCMonth()]!;
  const year = d.getUTCFullYear();
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  if (lang === 'fr') return `${day === 1 ? '1er' : day} ${month} ${year} à ${time}`;
  if (lang === 'ar') return `${day} ${month} ${year}، ${time}`;
  return `${day} ${month} ${year}, ${time}`;
}

/** An integer with the language's thousands separator (narrow no-break space in French). */
export function formatInteger(n: number, lang: ReportLang): string {
  const sep = lang === 'fr' ? '\u202f' : ',';
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** `UTC+01:00` from an offset in minutes east of UTC. */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(Math.trunc(minutes));
  return `UTC${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}
