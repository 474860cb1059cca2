/**
 * The generic harvest definition (issue 15, "generic first"): common structures any page may use —
 * the ARIA feed pattern (role=feed > role=article), chat logs (role=log with rows), repeated
 * role=article/row/listitem siblings — and the labels of "See more / Voir plus / عرض المزيد" and
 * "View N comments" controls in English, French and Arabic. Site definitions start from these
 * lists, and the harvester falls back to this one when a site definition no longer matches.
 * Built against the project's fixtures (tests/fixtures/harvest/), not verified on live sites.
 */
import type { SiteDefinition } from '../definition';

/** Controls that reveal text, comments or replies (whole label, case-insensitive, bidi marks removed). */
export const EXPAND_LABELS: string[] = [
  '(see|show|read) more',
  '(see|show|view|read) (the )?(full|whole) (post|text|message)',
  '(view|see|show|load) (all )?\\d[\\d,.\\s]*(k|m)? (more |previous |other )?(comments?|repl(y|ies)|answers?)',
  '(view|see|show|load) (more|previous|all|older) (comments|repl(y|ies)|answers)',
  '\\d[\\d,.]* (more )?repl(y|ies)',
  'voir plus',
  'afficher (la suite|plus)',
  'lire la suite',
  '(voir|afficher) (les |tous les )?\\d[\\d\\s]* (autres )?(commentaires?|réponses?)',
  '(voir|afficher) (plus de|les|d.autres) (commentaires|réponses)',
  '\\d+ réponses?',
  'عرض المزيد',
  'رؤية المزيد',
  'قراءة المزيد',
  'عرض (جميع |كل )?(التعليقات|الردود)',
  'عرض \\S+ (تعليقات?|ردود|ردّ)',
];

/**
 * Labels never clicked: controls that act on the site (react, share, follow, send, delete, post,
 * report, block, join, buy, open a composer). The in-page harvester has its own built-in copy of
 * this list too, so a definition can only add to it.
 */
export const DENY_LABELS: string[] = [
  'like', 'unlike', 'love', 'react', 'j.aime', 'réagir', 'أعجبني',
  'share', 'repost', 'retweet', 'quote', 'partager', 'republier', 'مشاركة',
  'follow', 'unfollow', 'following', 'suivre', 'abonné', 's.abonner', 'subscribe', 'متابعة',
  'send', 'envoyer', 'إرسال', 'delete', 'remove', 'supprimer', 'حذف',
  'reply', 'répondre', 'رد', 'comment', 'commenter', 'write a comment', 'leave a comment', 'تعليق',
  'report', 'signaler', 'block', 'bloquer', 'mute', 'hide', 'masquer', 'save', 'enregistrer',
  'join', 'join group', 'rejoindre', 'add friend', 'ajouter', 'message', 'call', 'appeler',
  'buy', 'acheter', 'donate', 'post', 'publier', 'log ?in', 'sign ?in', 'sign ?up', 'se connecter',
  'log ?out', 'déconnexion', 'edit', 'modifier', 'pin', 'épingler', 'forward', 'transférer',
];

export const WALL_LABELS: string[] = [
  'log in', 'sign in', 'sign up', 'create (new )?account',
  'se connecter', 'connectez-vous', 'créer (un|nouveau) compte',
  'تسجيل الدخول', 'إنشاء حساب جديد',
];

export const UNAVAILABLE_LABELS: string[] = [
  'this content isn.t available.*', 'content (is )?(currently )?unavailable.*', 'this page isn.t available.*',
  'sorry, this page isn.t available.*', 'ce contenu n.est pas disponible.*', 'cette page n.est pas disponible.*',
  'هذا المحتوى غير متاح.*',
];

/** Tracking parameters that change on every render and must not split one item into two keys. */
export const STRIP_PARAMS: string[] = [
  'utm_.*', 'fbclid', '__cft__.*', '__tn__', '__xts__.*', 'ref', 'refsrc', 's', 't', 'igsh',
];

export const generic: SiteDefinition = {
  id: 'generic',
  version: '1',
  name: 'Generic structures (ARIA feed, chat log, repeated articles/rows/list items)',
  verified: 'fixtures-only',
  hosts: [],
  paths: [],
  direction: 'down',
  items: [
    '[role=feed] [role=article]',
    '[role=log] [role=row], [role=log] [role=article], [role=log] [role=listitem], [role=log] [data-mid]',
    '[role=grid] [role=row][data-id], [role=application] [role=row]',
    'repeated-siblings',
  ],
  pane: ['[role=log]'],
  keyAttributes: ['data-id', 'data-mid', 'data-message-id', 'data-post-id', 'data-item-id', 'data-testid'],
  permalink: [
    'a[href]:has(> time)',
    'a[href*="/posts/"]', 'a[href*="/status/"]', 'a[href*="/p/"]', 'a[href*="/permalink"]', 'a[href*="comment_id="]',
    'a[href*="/video/"]', 'a[href*="/reel/"]', 'a[rel=bookmark]',
  ],
  stripParams: STRIP_PARAMS,
  authorName: ['[rel=author]', '[itemprop=author]', 'h2 a, h3 a, h4 a', 'header a', 'strong a, a strong'],
  authorLink: ['a[rel=author]', 'h2 a, h3 a, h4 a', 'header a[href]', 'strong a, a:has(strong)'],
  time: ['time[datetime]', '[data-utime]', 'abbr[title]'],
  prePlainText: { attribute: 'data-pre-plain-text', dateOrder: 'dmy' },
  text: ['[data-ad-preview=message]', '[data-testid=tweetText]', '.selectable-text', '[itemprop=text]'],
  media: ['img[src]', 'video[src]', 'video source[src]', 'audio[src]'],
  counts: [],
  replyTo: [{ selector: '[data-reply-to]', attribute: 'data-reply-to' }],
  expandLabels: EXPAND_LABELS,
  expandSelectors: [],
  denyLabels: DENY_LABELS,
  wallSelectors: ['form[action*="login"]', '[role=dialog] input[type=password]'],
  wallLabels: WALL_LABELS,
  unavailableLabels: UNAVAILABLE_LABELS,
};
