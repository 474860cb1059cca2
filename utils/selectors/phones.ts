import {
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  Metadata,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';

/**
 * Phone numbers in ad text, normalised to E.164 (issue 6).
 *
 * Why our own candidate finder instead of libphonenumber's findPhoneNumbersInText /
 * PhoneNumberMatcher: the matcher accepts any digit string that parses as valid, so in France
 * "Réf 123456789" comes out as +33 1 23 45 67 89, and in Tunisia (8-digit numbers) a date such as
 * 27112026 or a year range 2019-2026 is a valid mobile number. It also stops at bidi marks and
 * knows nothing of prices or ad numbers. So: we find digit runs ourselves (after folding
 * Arabic-Indic digits and dropping bidi marks, see text-fold.ts), remove what the context says is
 * a price, date, reference, postcode, year or timestamp, and let libphonenumber (with the "max"
 * metadata, the only one whose isValid() checks the digits against each country's number plan
 * and not just the length) decide validity. A national number must also be written exactly as it
 * is dialled in that country (the trunk 0 where the country has one): "0612345678" is a French
 * number, "612345678" in France is not.
 */

class RegionError extends RangeError {}

/** Checks a default region: ISO 3166-1 alpha-2, known to libphonenumber. Throws a clear error otherwise. */
export function checkRegion(region: unknown): CountryCode {
  if (typeof region !== 'string' || !/^[A-Z]{2}$/.test(region) || !isSupportedCountry(region)) {
    throw new RegionError(
      `region must be an ISO 3166-1 alpha-2 code with a phone numbering plan (e.g. "FR", "MA"), got ${JSON.stringify(region)}`,
    );
  }
  return region;
}

/**
 * A cheap necessary condition for a national number, from the region's own metadata: after its
 * trunk prefix (if written), the digits must match the plan's national number pattern. A full
 * parse costs about 20 µs; this regex test a fraction of that, and page text is full of digit
 * runs. Uses NumberingPlan methods that libphonenumber-js has but does not declare in its types
 * (nationalNumberPattern, nationalPrefix, nationalPrefixForParsing, nationalPrefixTransformRule):
 * if any is missing, or the plan strips prefixes in a way this shortcut does not model (Argentina,
 * Mexico…), there is no prefilter and every candidate gets the full parse. A unit test checks that
 * the prefilter never changes a result.
 */
interface PlanInternals {
  nationalNumberPattern?: () => unknown;
  nationalPrefix?: () => unknown;
  nationalPrefixForParsing?: () => unknown;
  nationalPrefixTransformRule?: () => unknown;
}
type Prefilter = (digits: string) => boolean;
const prefilters = new Map<string, Prefilter | null>(); // derived from static metadata: a cache, not state

function regionPrefilter(region: CountryCode): Prefilter | null {
  if (prefilters.has(region)) return prefilters.get(region)!;
  let f: Prefilter | null = null;
  try {
    const m = new Metadata();
    m.selectNumberingPlan(region);
    const plan = m.numberingPlan as unknown as PlanInternals;
    const pattern = plan.nationalNumberPattern?.();
    const prefix = plan.nationalPrefix?.() || '';
    const forParsing = plan.nationalPrefixForParsing?.() || '';
    const transform = plan.nationalPrefixTransformRule?.();
    if (typeof pattern === 'string' && typeof prefix === 'string' && forParsing === prefix && !transform) {
      const re = new RegExp(`^(?:${pattern})$`);
      f = (d) => re.test(prefix && d.startsWith(prefix) ? d.slice(prefix.length) : d) || re.test(d);
    }
  } catch {
    f = null;
  }
  prefilters.set(region, f);
  return f;
}

let callingCodes: Map<string, CountryCode[]> | null = null;
/** Country calling code -> regions, built once from the metadata. */
function regionsByCallingCode(): Map<string, CountryCode[]> {
  if (!callingCodes) {
    callingCodes = new Map();
    for (const c of getCountries()) {
      const cc = getCountryCallingCode(c);
      callingCodes.set(cc, [...(callingCodes.get(cc) ?? []), c]);
    }
  }
  return callingCodes;
}

/**
 * Necessary condition for "+<digits>" with a geographic calling code: a national number some
 * region of it could have. Non-geographic codes (+800, +870, +888…) have no region: full parse.
 */
function internationalPrefilter(digits: string): boolean {
  for (let n = 1; n <= 3; n++) {
    const regions = regionsByCallingCode().get(digits.slice(0, n));
    if (!regions) continue;
    const rest = digits.slice(n);
    // Calling codes are prefix-free: this is the only one. Any region without a prefilter: parse.
    return regions.some((r) => {
      const f = regionPrefilter(r);
      return !f || f(rest);
    });
  }
  return true;
}

/** Validates digit strings against the number plans, memoised for one extraction. */
export class PhoneParser {
  private readonly cache = new Map<string, string | null>();
  private readonly prefilter: Prefilter | null;
  /** `usePrefilter: false` parses every candidate fully (tests compare both ways). */
  constructor(
    readonly region: CountryCode,
    private readonly usePrefilter = true,
  ) {
    this.prefilter = usePrefilter ? regionPrefilter(region) : null;
  }

  /** "+<digits>" (country code first) to E.164, or null if not a valid number. */
  international(digits: string): string | null {
    const key = `+${digits}`;
    let v = this.cache.get(key);
    if (v === undefined) {
      v = null;
      if (digits.length >= 7 && digits.length <= 17 && (!this.usePrefilter || internationalPrefilter(digits))) {
        const n = parsePhoneNumberFromString(key);
        if (n && n.isValid()) v = n.number;
      }
      this.cache.set(key, v);
    }
    return v;
  }

  /** A number written the national way in the default region, to E.164, or null. */
  national(digits: string): string | null {
    let v = this.cache.get(digits);
    if (v === undefined) {
      v = null;
      if (digits.length >= 6 && digits.length <= 15 && (!this.prefilter || this.prefilter(digits))) {
        const n = parsePhoneNumberFromString(digits, this.region);
        // Written exactly as dialled nationally (trunk prefix included where the country has one).
        if (n && n.isValid() && n.formatNational().replace(/\D/g, '') === digits) v = n.number;
      }
      this.cache.set(digits, v);
    }
    return v;
  }

  /** A number from a link or a tel: target: "+…" / "00…" international, otherwise national. */
  any(s: string): string | null {
    const t = s.trim();
    const digits = t.replace(/\D/g, '');
    if (t.startsWith('+')) return this.international(digits);
    if (digits.startsWith('00')) return this.international(digits.slice(2));
    return this.national(digits);
  }
}

// Words that announce a phone number; a number written with its country code but without "+"
// ("WhatsApp 212661234567") is accepted only after one of them.
const PHONE_WORD =
  /(?<![\p{L}])(?:t[ée]l[ée]?(?:phone)?|tlf|phone|mobile?|portable|gsm|cell(?:ulare)?|cel|m[óo]vil|tel[ée]fono|whats?\s?app|wh?ats?ap+|wtsp|watsap|wa|viber|imo|signal|appel(?:ez|er)?|call|chiama(?:re|mi)?|llam(?:a|ar|ad)|contact[oa]?|contatto|رقم|هاتف|الهاتف|جوال|الجوال|موبايل|واتساب|الواتساب|واتس|اتصل|للتواصل|تواصل|للاتصال|فايبر|تلفون|تليفون)(?![\p{L}])/iu;

// What, right before a number, says it is not a phone: references, ad and order numbers, IDs,
// accounts, postcodes, prices. Tested on the last word or two before a run (announcesNonPhone).
const NOT_PHONE_BEFORE = new RegExp(
  '^(?:n[°º]|no\\.|num\\.|nr\\.?|r[ée]f(?:[ée]rence)?|reference|referencia|rif(?:erimento)?|id|ident|annonce|annuncio|anuncio|' +
    'code(?: postal)?|postal|cp|c\\.p\\.|siret|siren|iban|bic|swift|rib|rip|ccp|cl[ée]|compte|account|cuenta|conto|tva|' +
    'isbn|issn|ean|upc|sku|imei|s[ée]rie|serial|s/n|carte|card|tarjeta|carta|cvv|commande|order|pedido|ordine|facture|factura|fattura|invoice|dossier|expediente|pratica|lot|ticket|' +
    'matricule|immatriculation|matr[íi]cula|targa|permis|passeport|passport|pasaporte|passaporto|cin|nif|nie|dni|ice|rc|' +
    'prix|price|precio|prezzo|loyer|alquiler|affitto|tarif|tarifa|montant|importe|importo|budget|salaire|salary|sueldo|salario|stipendio|' +
    'رقم الإعلان|رقم الاعلان|الإعلان|الاعلان|إعلان|رقم الطلب|رقم الملف|المرجع|مرجع|السعر|الثمن|ثمن|بسعر|الكراء|الإيجار|كود|الرمز البريدي|الراتب|راتب|' +
    '€|\\$|£|eur|usd|mad|dzd|tnd|lyd|egp|dh)[\\s:#°.\\-]*$',
  'iu',
);

// Algerian and Tunisian dinars before an amount: upper case only ("da" is Italian and Spanish).
const NOT_PHONE_BEFORE_CS = /^(?:DA|DT)[\s:]*$/u;

/**
 * Whether the text right before a run announces something else than a phone. The keyword must be
 * the last word or the last two words ("code postal", "رقم الإعلان") before the run, so the
 * anchored regex is tried at two positions only, not at every position of the window.
 */
function announcesNonPhone(before: string): boolean {
  const trimmed = before.replace(/[\s:#°º.-]+$/, '');
  const last = Math.max(
    trimmed.lastIndexOf(' '),
    trimmed.lastIndexOf('\n'),
    trimmed.lastIndexOf('('),
    trimmed.lastIndexOf(','),
  );
  for (const start of [last + 1, trimmed.lastIndexOf(' ', last - 1) + 1]) {
    if (start < 0 || (start === 0 && last < 0 && before.length >= 32)) continue; // a word cut by the window
    const tail = before.slice(start);
    if (NOT_PHONE_BEFORE.test(tail) || NOT_PHONE_BEFORE_CS.test(tail)) return true;
    if (last < 0) break;
  }
  return false;
}

// What, right after a number, says it is an amount or a measure.
const NOT_PHONE_AFTER =
  /^\s*(?:€|k€|eur(?:os?)?|dhs?|mad|dirhams?|درهم|دراهم|د\.?م|dzd|dinars?|دج|د\.ج|tnd|د\.ت|lyd|د\.ل|دينار|دنانير|egp|l\.e|ج\.م|جنيه|\$|usd|dollars?|£|gbp|chf|fcfa|cfa|ريال|%|centimes?|millions?|mille|مليون|ألف|الف|km|kms|m²|m2|mq|kg|ans|años|anni|cv|cc|cm|mm|go|gb|mo|mb|mah|kw|pcs|pièces|pieces)(?![\p{L}])/iu;
// Algerian and Tunisian dinars: upper case only, "da" is a common Italian and Spanish word.
const NOT_PHONE_AFTER_CS = /^\s*(?:DA|DT|Da)(?![\p{L}])/u;

// Spans that are never phones, masked before the search so their digits cannot join a number.
// Dates use the same separator twice and are not part of a longer dotted/dashed run
// ("06.12.34.56.78" is not 06.12.34 followed by something).
const DATE =
  /(?<!\d[./-]?)(?:(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})|((?:19|20)\d\d)([./-])(\d{1,2})\6(\d{1,2}))(?![./-]?\d)/g;
const YEAR_RANGE = /(?<![\d./-])(?:19|20)\d\d ?[-/] ?(?:19|20)\d\d(?![\d])/g;
const IP = /(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![.]?\d)/g;
// Month and year ("12/2026", "06-2027"), alone: not followed by more digits in any separator.
const MONTH_YEAR = /(?<!\d[./ -]?)(0?[1-9]|1[0-2])[./-](?:19|20)\d\d(?![./ -]?\d)/g;
// Latitude, longitude ("33.5731, -7.5898").
const COORDINATES = /-?\d{1,3}\.\d{4,}\s*,\s*-?\d{1,3}\.\d{4,}/g;

// IBANs (country, 2 check digits, up to 30 letters/digits, often in blocks of 4): masked when the
// ISO 13616 mod-97 check holds, so "TN59 1000 6035 1835 9847 8831" gives no Tunisian "98478831".
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;

export function ibanValid(s: string): boolean {
  const t = s.replace(/ /g, '');
  if (t.length < 15 || t.length > 34) return false;
  const moved = t.slice(4) + t.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

/** [start, end) spans of dates, year ranges, IP addresses and IBANs. */
export function nonPhoneSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(IBAN)) if (ibanValid(m[0])) spans.push([m.index, m.index + m[0].length]);
  for (const m of text.matchAll(DATE)) {
    const ok =
      m[1] !== undefined
        ? Number(m[1]) >= 1 &&
          Number(m[1]) <= 31 &&
          Number(m[3]) >= 1 &&
          Number(m[3]) <= 31 &&
          (Number(m[1]) <= 12 || Number(m[3]) <= 12)
        : Number(m[7]) >= 1 && Number(m[7]) <= 12 && Number(m[8]) >= 1 && Number(m[8]) <= 31;
    if (ok) spans.push([m.index, m.index + m[0].length]);
  }
  for (const re of [YEAR_RANGE, MONTH_YEAR, COORDINATES])
    for (const m of text.matchAll(re)) spans.push([m.index, m.index + m[0].length]);
  for (const m of text.matchAll(IP)) {
    const parts = m[0].split('.');
    // "20.12.34.56" is a Tunisian number written in pairs, not an address: require a 3-digit part.
    if (parts.every((p) => Number(p) <= 255) && parts.some((p) => p.length === 3))
      spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

export interface PhoneMatch {
  e164: string;
  /** [start, end) in the scanned text, "+" or "(" included. */
  start: number;
  end: number;
}

// A run of digit groups and separators, with an optional "+", "(+" or "(" before it.
const RUN = /(?:\+ ?|\( ?\+? ?)?\d[\d .\-/()]{4,}/g; // at least 5 more characters: 6 digits is the shortest phone
const GLUE = /[A-Za-z_#@&=\\]/; // a number glued to these is part of a word or an identifier

/**
 * Whether the number touches a word at `at` (dir -1: the character before, 1: the one at `at`):
 * directly ("T2", "14h") or through one hyphen or slash ("FA-2026", "4471-FR").
 */
function glued(text: string, at: number, dir: -1 | 1): boolean {
  const c1 = dir < 0 ? text[at - 1] : text[at];
  if (c1 === undefined) return false;
  if (GLUE.test(c1)) return true;
  const c2 = dir < 0 ? text[at - 2] : text[at + 1];
  return (c1 === '-' || c1 === '/') && c2 !== undefined && /[A-Za-z]/.test(c2);
}

function validSeparator(s: string): boolean {
  if (s.length === 1) return true; // one space, dot, dash, slash or bracket: the common case
  if (s.length > 5) return false;
  let punct = 0;
  let open = 0;
  let close = 0;
  let spaces = 0;
  for (const c of s) {
    if (c === '.' || c === '-' || c === '/') punct++;
    else if (c === '(') open++;
    else if (c === ')') close++;
    else spaces++;
  }
  return punct <= 1 && open <= 1 && close <= 1 && spaces <= 3;
}

interface Group {
  digits: string;
  start: number;
  end: number;
}

/**
 * Finds phones in (folded, masked) text. `text` must already have URLs, emails, wallets, dates
 * and other non-phone spans replaced by a character that is neither a digit nor a separator.
 */
export function findPhones(text: string, parser: PhoneParser): PhoneMatch[] {
  const out: PhoneMatch[] = [];
  // "O6 12 34 56 78": a capital or small O for a zero, glued to the digit after it, at the start
  // of a number or between digits. Not "o 699…": Spanish and Italian "o" means "or". Same length,
  // so positions (and raw forms, which keep the O) are unchanged.
  if (/[Oo]\d/.test(text)) {
    text = text.replace(/[Oo](?=\d)/g, (o, at: number) => {
      const prev = text[at - 1] ?? ' ';
      return /\d/.test(prev) || !/[\p{L}\p{N}]/u.test(prev) ? '0' : o;
    });
  }
  RUN.lastIndex = 0;
  for (let run = RUN.exec(text); run; run = RUN.exec(text)) {
    const runStart = run.index;
    const runText = run[0];
    // Cut the run into digit groups (a plain loop: this is the hot path on number-heavy pages);
    // an invalid separator ends one number and starts another.
    const segments: Group[][] = [[]];
    let nDigits = 0;
    let prevEnd = -1;
    let hasPlus = false;
    for (let k = 0; k < runText.length;) {
      const c = runText.charCodeAt(k);
      if (c < 48 || c > 57) {
        if (c === 43 && prevEnd < 0) hasPlus = true; // "+" before the first digit
        k++;
        continue;
      }
      let e = k + 1;
      while (e < runText.length && runText.charCodeAt(e) >= 48 && runText.charCodeAt(e) <= 57) e++;
      const start = runStart + k;
      if (prevEnd >= 0 && !validSeparator(text.slice(prevEnd, start))) segments.push([]);
      segments[segments.length - 1]!.push({ digits: runText.slice(k, e), start, end: runStart + e });
      nDigits += e - k;
      prevEnd = runStart + e;
      k = e;
    }
    if (nDigits < 6) continue; // no phone has fewer than 6 digits
    segments.forEach((groups, si) => {
      const first = groups[0];
      if (!first) return;
      const plus = si === 0 && hasPlus;
      let lo = 0;
      let hi = groups.length - 1;
      const segStart = plus ? runStart : first.start;
      // A run announced as a reference, account or price is one identifier: none of its parts is
      // a phone ("RIB 08 006 0123456789012 34", "Réf 4471 2026 0612"). Checked once per run: inside
      // a run the text before a group ends with digits, which no keyword does.
      const announce = text.slice(Math.max(0, segStart - 32), segStart);
      if (announcesNonPhone(announce)) return;
      const ctx: RunContext = { phoneWord: null, announce };
      // Card, serial and account numbers in blocks of four ("4970 1012 3456 7890").
      if (groups.length >= 4 && groups.slice(0, -1).every((g) => g.digits.length === 4)) return;
      if (!plus && glued(text, segStart, -1)) lo = 1; // "T2", "REF123…", "FA-2026-…": the first group belongs to a word
      if (glued(text, groups[hi]!.end, 1)) hi--; // "14h", "3pièces", "4471-FR"
      scanGroups(text, groups, lo, hi, plus, runStart, parser, ctx, out);
    });
  }
  return out;
}

interface RunContext {
  /** Whether a phone word announces the run; computed when first needed. */
  phoneWord: boolean | null;
  /** The text right before the run. */
  announce: string;
}

/**
 * Greedy over group boundaries: from each start group, the longest span that is a valid phone
 * wins, then the search resumes after it. This separates "13003 06 12 34 56 78" (postcode, phone)
 * and two numbers written side by side ("06 12 34 56 78 / 07 98 76 54 32").
 */
function scanGroups(
  text: string,
  groups: Group[],
  lo: number,
  hi: number,
  plus: boolean,
  runStart: number,
  parser: PhoneParser,
  ctx: RunContext,
  out: PhoneMatch[],
): void {
  let i = lo;
  while (i <= hi) {
    let found: PhoneMatch | null = null;
    let lens = 0;
    let last = i;
    for (let j = i; j <= hi; j++) {
      lens += groups[j]!.digits.length;
      if (lens > 17) break;
      last = j;
    }
    for (let j = last; j >= i && !found; j--) {
      const intl = plus && i === 0;
      const start = intl ? runStart : groups[i]!.start;
      const e164 = candidate(text, groups, i, j, intl, parser, ctx);
      if (e164) {
        found = { e164, start, end: groups[j]!.end };
        i = j + 1;
      }
    }
    if (found) out.push(found);
    else i++;
  }
}

function candidate(
  text: string,
  groups: Group[],
  i: number,
  j: number,
  intl: boolean,
  parser: PhoneParser,
  ctx: RunContext,
): string | null {
  let digits = '';
  for (let k = i; k <= j; k++) digits += groups[k]!.digits;
  if (digits.length < 6) return null;
  const end = groups[j]!.end;
  if (!intl) {
    // Unix timestamps in seconds or milliseconds (2001-2033), written as one block.
    if (i === j && /^1\d{9}(?:\d{3})?$/.test(digits)) return null;
    // A list of years ("2024 2025").
    let allYears = true;
    for (let k = i; k <= j && allYears; k++) allYears = /^(?:19|20)\d\d$/.test(groups[k]!.digits);
    if (allYears) return null;
  }
  const afterText = text.slice(end, end + 16);
  if (NOT_PHONE_AFTER.test(afterText) || NOT_PHONE_AFTER_CS.test(afterText)) return null;
  if (intl) return parser.international(digits);
  if (digits.startsWith('00')) return parser.international(digits.slice(2));
  const national = parser.national(digits);
  if (national) return national;
  // Country code without "+", only right after a word that announces a phone.
  if (digits[0] !== '0' && digits.length >= 9) {
    ctx.phoneWord ??= PHONE_WORD.test(ctx.announce);
    if (ctx.phoneWord) return parser.international(digits);
  }
  return null;
}
