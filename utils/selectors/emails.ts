/**
 * Email addresses: plain ones, mailto: links, and the obfuscations ads use to dodge scrapers, as
 * long as the reading is unambiguous (issue 6). Normalised to lowercase: the local part is
 * case-sensitive in theory, never in practice, and one mailbox must link its captures.
 *
 * Obfuscation rules:
 * - A bracketed at ("[at]", "(at)", "{at}", "<at>", "[@]", "(arobase)"…) is unambiguous: nobody
 *   writes it except to mean "@". The dots may be "[dot]", "(dot)", "[.]", "(point)", " dot ",
 *   " point ", " punto " or a real dot.
 * - A spoken at in its own language ("arobase", "arroba", "chiocciola") between spaces is
 *   unambiguous too: these words mean nothing else.
 * - The English "at" between spaces ("karim at gmail dot com") is accepted only when the top-level
 *   domain is a common one (list below), the local part is not a pronoun or common word ("contact
 *   me at home dot com" is not an address) and the dots are words or real dots.
 * - A spaced "@" (" @ ") counts as a bracketed at; "@" glued to the next word with a space before
 *   ("insta @karim.dz") does not: that is a handle.
 */

// Top-level domains of file names that turn up as "name@2x.png" in page text.
const FILE_TLDS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'svg',
  'css',
  'js',
  'html',
  'htm',
  'php',
  'pdf',
  'ico',
  'avif',
  'mp4',
  'json',
  'xml',
]);

// Domains an unbracketed " at " may end in: the common generic ones and those of the countries in scope.
const COMMON_TLDS = new Set([
  'com',
  'net',
  'org',
  'info',
  'biz',
  'io',
  'me',
  'co',
  'eu',
  'fr',
  'es',
  'it',
  'ma',
  'dz',
  'tn',
  'ly',
  'eg',
  'de',
  'be',
  'ch',
  'uk',
  'nl',
  'pt',
  'ru',
  'tr',
  'ca',
  'us',
  'ae',
  'sa',
  'qa',
  'edu',
  'gov',
]);

const STOPWORDS = new Set([
  'me',
  'us',
  'you',
  'him',
  'her',
  'them',
  'it',
  'we',
  'i',
  'he',
  'she',
  'they',
  'is',
  'are',
  'be',
  'am',
  'was',
  'were',
  'available',
  'here',
  'there',
  'look',
  'arrive',
  'arrives',
  'stay',
  'meet',
  'call',
  'contact',
  'write',
  'email',
  'mail',
  'found',
  'located',
  'home',
  'work',
  'office',
  'moi',
  'nous',
  'vous',
  'lui',
  'eux',
  'yo',
  'tu',
  'io',
  'noi',
]);

/** Plain addresses. The local part starts with a letter or digit (never "=", "+", "-": see csv.ts). */
const PLAIN =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

const SP = '[ ]*';
const BR_AT = `(?:\\[${SP}(?:at|@|arobase|arroba|chiocciola)${SP}\\]|\\(${SP}(?:at|@|arobase|arroba|chiocciola)${SP}\\)|\\{${SP}(?:at|@)${SP}\\}|<${SP}(?:at|@)${SP}>)`;
const WORD_AT = '(?:arobase|arroba|chiocciola)';
const BR_DOT = `(?:\\[${SP}(?:dot|\\.|point|punto)${SP}\\]|\\(${SP}(?:dot|\\.|point|punto)${SP}\\)|\\{${SP}(?:dot|\\.)${SP}\\})`;
const WORD_DOT = '(?:dot|point|punto)';
const LOCAL = '([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
// A dot: bracketed (any spacing), a word between spaces, a real dot, or a real dot with spaces on
// both sides ("gmail . com"). Not ". " alone: that ends a sentence ("gmail.com. Merci").
const DOT = `(?:${SP}${BR_DOT}${SP}|[ ]+${WORD_DOT}[ ]+|\\.|[ ]+\\.[ ]+)`;
const DOMAIN = `(${LABEL}(?:${DOT}${LABEL})*${DOT}[A-Za-z]{2,24})`;

const BRACKETED = new RegExp(
  `(?<![A-Za-z0-9._%+-])${LOCAL}(?:${SP}${BR_AT}${SP}|[ ]+@[ ]+|[ ]+${WORD_AT}[ ]+)${DOMAIN}(?![A-Za-z0-9-])`,
  'gi',
);
const SPOKEN = new RegExp(`(?<![A-Za-z0-9._%+-])${LOCAL}[ ]+at[ ]+${DOMAIN}(?![A-Za-z0-9-])`, 'gi');

export interface EmailMatch {
  address: string;
  start: number;
  end: number;
}

function joinDomain(obfuscated: string): string {
  return obfuscated
    .replace(new RegExp(`${SP}${BR_DOT}${SP}`, 'gi'), '.')
    .replace(new RegExp(`[ ]+${WORD_DOT}[ ]+`, 'gi'), '.')
    .replace(/[ ]+\.[ ]+/g, '.');
}

/** Returns the lowercase address if it is well-formed, else null. */
function normaliseEmail(local: string, domain: string): string | null {
  const l = local.toLowerCase();
  const d = domain.toLowerCase();
  if (l.endsWith('.') || l.includes('..') || d.includes('..')) return null;
  const tld = d.slice(d.lastIndexOf('.') + 1);
  if (!d.includes('.') || !/^[a-z]{2,24}$/.test(tld) || FILE_TLDS.has(tld)) return null;
  return `${l}@${d}`;
}

// The regexes above run sticky from the start of the word before an anchor ("@", a bracketed or
// spoken at), not over the whole text: an address is always around its at, and page text is long.
const sticky = (re: RegExp) => new RegExp(re.source, `${re.flags.replace('g', '')}y`);
const PLAIN_AT = sticky(PLAIN);
const BRACKETED_AT = sticky(BRACKETED);
const SPOKEN_AT = sticky(SPOKEN);
const ANCHOR = /@|[[({<] *(?:at|arobase|arroba|chiocciola) *[\])}>]| (?:at|arobase|arroba|chiocciola) /gi;
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;

/** Start of the local part that ends before `at` (skipping spaces and an opening bracket). */
function localStart(text: string, at: number): number {
  let i = at;
  while (
    i > 0 &&
    (text[i - 1] === ' ' || text[i - 1] === '[' || text[i - 1] === '(' || text[i - 1] === '{' || text[i - 1] === '<')
  )
    i--;
  const end = i;
  while (i > 0 && end - i < 65 && LOCAL_CHAR.test(text[i - 1]!)) i--;
  return i;
}

function stickyAt(re: RegExp, text: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  return re.exec(text);
}

/** Every address in a text (plain and obfuscated), with positions; overlapping matches keep the first. */
export function findEmails(text: string): EmailMatch[] {
  const out: EmailMatch[] = [];
  const seen = new Set<number>();
  ANCHOR.lastIndex = 0;
  for (let a = ANCHOR.exec(text); a; a = ANCHOR.exec(text)) {
    const from = localStart(text, a.index);
    if (seen.has(from)) continue;
    seen.add(from);
    // Several starts: the local part may itself contain dots or dashes after a word ("mail:karim…").
    let m = stickyAt(PLAIN_AT, text, from);
    if (m) {
      const at = m[0].lastIndexOf('@');
      const address = normaliseEmail(m[0].slice(0, at), m[0].slice(at + 1));
      if (address) out.push({ address, start: m.index, end: m.index + m[0].length });
      continue;
    }
    m = stickyAt(BRACKETED_AT, text, from);
    if (m) {
      const address = normaliseEmail(m[1]!, joinDomain(m[2]!));
      if (address) out.push({ address, start: m.index, end: m.index + m[0].length });
      continue;
    }
    m = stickyAt(SPOKEN_AT, text, from);
    if (m) {
      const local = m[1]!;
      const domain = joinDomain(m[2]!);
      const tld = domain.slice(domain.lastIndexOf('.') + 1).toLowerCase();
      const firstLabel = domain.slice(0, domain.indexOf('.')).toLowerCase();
      if (!COMMON_TLDS.has(tld) || STOPWORDS.has(local.toLowerCase()) || STOPWORDS.has(firstLabel)) continue;
      const address = normaliseEmail(local, domain);
      if (address) out.push({ address, start: m.index, end: m.index + m[0].length });
    }
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: EmailMatch[] = [];
  for (const e of out) if (!kept.length || e.start >= kept[kept.length - 1]!.end) kept.push(e);
  return kept;
}

/** Addresses of a mailto: link ("mailto:a@x.fr,b@y.ma?subject=…"), or [] if it is not one. */
export function mailtoAddresses(href: string): string[] {
  if (!/^mailto:/i.test(href)) return [];
  let body = href.slice(7).split('?')[0] ?? '';
  try {
    body = decodeURIComponent(body);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const part of body.split(/[,;]/)) {
    const s = part.trim();
    const at = s.lastIndexOf('@');
    if (at <= 0 || !/^[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9.-]+$/.test(s)) continue;
    const address = normaliseEmail(s.slice(0, at), s.slice(at + 1));
    if (address) out.push(address);
  }
  return out;
}
