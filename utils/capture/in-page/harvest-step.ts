/**
 * One step of a harvest (issue 15), run in the captured page through
 * scripting.executeScript({ func: harvestStep, args: [args] }): scroll one step (window or inner
 * pane), wait for loading to settle, expand truncated text and collapsed comments with safe
 * controls only, and read every item now in the DOM, so nothing is lost when a virtualised page
 * unmounts it. It scrolls first and reads after, so item rectangles match a screenshot taken
 * right after the step.
 *
 * SELF-CONTAINED: the browser serialises this function's source, so it closes over nothing (only
 * type imports, which vanish). That is also why it is one long function with inner helpers rather
 * than a module of small functions. Click memory lives on the page world's globalThis.
 * The page is untrusted: it only ever receives clicks on controls that pass the safety rules.
 */
import type { HarvestStepArgs, HarvestStepResult, ItemRect, PageItem } from '../../harvest/step-types';

export async function harvestStep(args: HarvestStepArgs): Promise<HarvestStepResult> {
  const t0 = performance.now();
  const g = globalThis as unknown as { __hashmarkHarvest?: { clicked: WeakSet<Element>; deferred: WeakSet<Element> } };
  const mem = (g.__hashmarkHarvest ??= { clicked: new WeakSet<Element>(), deferred: new WeakSet<Element>() });
  // Never clicked, whatever a definition says (a definition can only add to this list).
  const BUILTIN_DENY = [
    'like',
    'share',
    'follow',
    'send',
    'delete',
    'remove',
    'reply',
    'comment',
    'report',
    'block',
    'post',
    'publier',
    'envoyer',
    'supprimer',
    'partager',
    'suivre',
    'j.aime',
    'répondre',
    'إرسال',
    'حذف',
    'مشاركة',
    'متابعة',
    'أعجبني',
    'subscribe',
    'join',
    'buy',
    'log ?in',
    'sign ?(in|up)',
  ];
  const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g;
  const fold = (s: string): string =>
    s
      .replace(BIDI, '')
      .replace(/[…]|\.\.\./g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase();
  const anchored = (list: string[]): RegExp[] => {
    const out: RegExp[] = [];
    for (const p of list) {
      try {
        out.push(new RegExp(`^(?:${p})$`, 'iu'));
      } catch {
        // A broken pattern in a definition disables that pattern only.
      }
    }
    return out;
  };
  const all = (root: ParentNode, sel: string): Element[] => {
    try {
      return Array.from(root.querySelectorAll(sel));
    } catch {
      return [];
    }
  };
  const isVisible = (el: Element): boolean => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const settle = (quietMs: number, maxMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const start = performance.now();
      let last = start;
      const obs = new MutationObserver(() => (last = performance.now()));
      obs.observe(document.documentElement, { subtree: true, childList: true, characterData: true });
      const tick = () => {
        const now = performance.now();
        const busy = all(document, '[aria-busy=true], [role=progressbar]').some(isVisible);
        if (!busy && now - last >= quietMs) {
          obs.disconnect();
          resolve(true);
        } else if (now - start >= maxMs) {
          obs.disconnect();
          resolve(false);
        } else setTimeout(tick, 40);
      };
      setTimeout(tick, 40);
    });

  // Items: the definition's selectors in order, then the fallback (generic) when none matches.
  let def = args.def;
  let usedFallback = false;
  const findItems = (d: typeof def): { els: Element[]; selector: string } | null => {
    for (const sel of d.items) {
      if (sel === 'repeated-siblings') {
        const groups = new Map<Element, Element[]>();
        for (const el of all(document, '[role=article], [role=row], [role=listitem], article')) {
          const p = el.parentElement;
          if (!p) continue;
          const list = groups.get(p) ?? [];
          list.push(el);
          groups.set(p, list);
        }
        let best: Element[] = [];
        for (const list of groups.values()) if (list.length > best.length) best = list;
        if (best.length >= 3) return { els: best, selector: sel };
        continue;
      }
      const els = all(document, sel);
      if (els.length > 0) return { els, selector: sel };
    }
    return null;
  };
  let found = findItems(def);
  if (!found && args.fallback) {
    found = findItems(args.fallback);
    if (found) {
      def = args.fallback;
      usedFallback = true;
    }
  }
  const currentItems = (): Element[] => {
    const f = findItems(def);
    return f ? f.els : [];
  };

  // The scrolling pane: the definition's, else the nearest scrollable ancestor of an item, else the window.
  const scrollable = (el: Element): boolean =>
    /(auto|scroll|overlay)/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight + 1;
  let pane: Element | null = null;
  for (const sel of def.pane) {
    pane = all(document, sel).find(scrollable) ?? null;
    if (pane) break;
  }
  if (!pane && found && found.els[0]) {
    const stopAt = [document.body, document.documentElement];
    for (let el = found.els[0].parentElement; el && !stopAt.includes(el); el = el.parentElement) {
      if (scrollable(el)) {
        pane = el;
        break;
      }
    }
  }
  const se = document.scrollingElement ?? document.documentElement;
  const top = () => (pane ? pane.scrollTop : window.scrollY);
  const height = () => (pane ? pane.scrollHeight : se.scrollHeight);
  const view = () => (pane ? pane.clientHeight : window.innerHeight);
  const setTop = (y: number) =>
    pane
      ? (pane.scrollTop = y)
      : window.scrollTo({ left: window.scrollX, top: y, behavior: 'instant' as ScrollBehavior });

  // 1. Scroll one step, settle, and tell the edge of the content from a slow load.
  const before = top();
  let atEdge = false;
  let settled = true;
  if (args.scroll) {
    const h0 = height();
    const first0 = currentItems()[0];
    const delta = Math.max(80, Math.floor(view() * args.stepFraction));
    setTop(args.direction === 'down' ? before + delta : before - delta);
    settled = await settle(args.settleMs, args.maxSettleMs);
    const boundary = () => (args.direction === 'down' ? top() + view() >= height() - 2 : top() <= 1);
    const unchanged = () => height() === h0 && currentItems()[0] === first0 && Math.abs(top() - before) < 2;
    if (boundary() && unchanged()) {
      const end = performance.now() + args.edgeWaitMs;
      while (performance.now() < end && unchanged()) await sleep(60);
      if (!unchanged()) settled = await settle(args.settleMs, args.maxSettleMs);
      atEdge = boundary() && unchanged();
    }
  }

  const itemSet = () => new Set(currentItems());
  let items = itemSet();
  const owner = (el: Element, set: Set<Element>): Element | null => {
    for (let p: Element | null = el; p; p = p.parentElement) if (set.has(p)) return p;
    return null;
  };
  const own = (item: Element, sels: string[], set: Set<Element>): Element[] => {
    const out: Element[] = [];
    for (const sel of sels) for (const el of all(item, sel)) if (owner(el, set) === item) out.push(el);
    return out;
  };

  // 2. Expand: safe controls only, up to four rounds (comments reveal "See more" and "View replies").
  const deny = anchored([...BUILTIN_DENY, ...def.denyLabels]);
  const expand = anchored(def.expandLabels);
  const labelOf = (el: Element) => fold(el.getAttribute('aria-label') || el.textContent || '');
  const here = location.href.split('#')[0];
  const refused: string[] = [];
  const failedBy = new Map<Element, string[]>();
  const ctrlSel = ['button', '[role=button]', 'a', 'summary', '[aria-expanded=false]', ...def.expandSelectors].join(
    ', ',
  );
  const isExpansion = (el: Element): boolean => {
    const label = labelOf(el);
    const wanted =
      expand.some((r) => r.test(label)) ||
      def.expandSelectors.some((s) => el.matches(s)) ||
      el.getAttribute('aria-expanded') === 'false';
    if (!wanted || !label) return false;
    const navigates = (() => {
      const a = el.closest('a[href]');
      if (!a) return false;
      const href = a.getAttribute('href') ?? '';
      if (/^javascript:/i.test(href) || a.getAttribute('target')) return true;
      return (a as HTMLAnchorElement).href.split('#')[0] !== here;
    })();
    const acts =
      deny.some((r) => r.test(label)) ||
      el.closest('form') !== null ||
      el.matches('input, select, textarea') ||
      el.getAttribute('type') === 'submit' ||
      (el.getAttribute('aria-haspopup') ?? 'false') !== 'false' ||
      el.hasAttribute('aria-pressed') ||
      el.hasAttribute('contenteditable');
    if (navigates || acts) {
      if (expand.some((r) => r.test(label)) && !refused.includes(label)) refused.push(label);
      return false;
    }
    return isVisible(el);
  };
  let clicks = 0;
  for (let round = 0; round < 4 && clicks < args.maxClicks; round++) {
    const pending: { el: Element; item: Element; label: string; size: number }[] = [];
    for (const el of all(document, ctrlSel)) {
      const item = owner(el, items);
      if (!item || mem.clicked.has(el) || !isExpansion(el)) continue;
      if (clicks >= args.maxClicks) break;
      pending.push({ el, item, label: labelOf(el), size: (item.textContent ?? '').length });
      mem.clicked.add(el);
      (el as HTMLElement).click();
      clicks++;
    }
    if (pending.length === 0) break;
    const still = (p: (typeof pending)[number]) =>
      p.el.isConnected && p.el.getAttribute('aria-expanded') !== 'true' && labelOf(p.el) === p.label;
    // A quiet page is not enough: a slow site answers the click later. Wait (bounded) until every
    // clicked control has changed or gone, or its item has grown.
    const clickedAt = performance.now();
    settled = (await settle(args.settleMs, args.maxSettleMs)) && settled;
    while (
      pending.some((p) => still(p) && (p.item.textContent ?? '').length <= p.size) &&
      performance.now() - clickedAt < args.maxSettleMs
    ) {
      await sleep(100);
      settled = (await settle(args.settleMs, args.maxSettleMs)) && settled;
    }
    items = itemSet();
    for (const p of pending) {
      if (!still(p)) continue;
      if ((p.item.textContent ?? '').length > p.size)
        mem.clicked.delete(p.el); // it loaded some: may click again
      else failedBy.set(p.item, [...(failedBy.get(p.item) ?? []), p.label]);
    }
  }

  // Items that still hold an expansion control nobody clicked (they mounted during the last wait,
  // or the click budget ran out) are left for the next step, once: collected now they would be
  // stored unexpanded. The second time they are collected as they are, with the control named.
  const unexpanded = new Map<Element, string[]>();
  for (const el of all(document, ctrlSel)) {
    const item = owner(el, items);
    if (!item || mem.clicked.has(el) || !isExpansion(el)) continue;
    unexpanded.set(item, [...(unexpanded.get(item) ?? []), labelOf(el)]);
  }

  // 3. Read every item now in the DOM.
  const abs = (u: string | null): string | null => {
    if (!u) return null;
    try {
      return new URL(u, location.href).href;
    } catch {
      return null;
    }
  };
  const strip = anchored(def.stripParams);
  const keyOfUrl = (u: string): string => {
    const url = new URL(u);
    url.hash = '';
    for (const name of Array.from(url.searchParams.keys())) {
      if (strip.some((r) => r.test(name))) url.searchParams.delete(name);
    }
    return url.href;
  };
  const hash = (s: string): string => {
    // cyrb53-style 2 x 32-bit mix: an identity, not a security hash (the loop hashes items with SHA-256).
    let h1 = 0xdeadbeef,
      h2 = 0x41c6ce57;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  };
  const textOf = (root: Element, set: Set<Element>, skipControls: boolean): string => {
    let out = '';
    const walk = (n: Node) => {
      if (n.nodeType === Node.TEXT_NODE) {
        out += (n as Text).data;
        return;
      }
      if (n.nodeType !== Node.ELEMENT_NODE) return;
      const el = n as Element;
      if (el !== root && set.has(el)) return;
      if (el.matches('script, style, noscript, template')) return;
      if (skipControls && el !== root && el.matches('button, [role=button]')) return;
      if (el.tagName === 'BR') out += '\n';
      else if (el.tagName === 'IMG') out += el.getAttribute('alt') ?? '';
      else for (const c of Array.from(el.childNodes)) walk(c);
    };
    walk(root);
    return out;
  };
  const parsePre = (v: string, order: 'dmy' | 'mdy') => {
    const m = /^\[([^\]]+)\]\s?(.*?):\s?$/.exec(v);
    if (!m) return null;
    const shown = m[1] ?? '';
    const t = /(\d{1,2}):(\d{2})(?:\s*([ap])\.?m\.?)?,?\s*(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4})/i.exec(shown);
    let machine: string | null = null;
    if (t) {
      let hh = Number(t[1]);
      if (t[3] && /p/i.test(t[3]) && hh < 12) hh += 12;
      if (t[3] && /a/i.test(t[3]) && hh === 12) hh = 0;
      const [a, b, y] = [Number(t[4]), Number(t[5]), Number(t[6])];
      const [d, mo] = order === 'dmy' ? [a, b] : [b, a];
      const year = y < 100 ? 2000 + y : y;
      const p2 = (n: number) => String(n).padStart(2, '0');
      if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) machine = `${year}-${p2(mo)}-${p2(d)}T${p2(hh)}:${t[2]}`;
    }
    return { shown, machine, name: m[2] ?? null };
  };
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const rectOf = (el: Element): ItemRect | null => {
    const r = el.getBoundingClientRect();
    const x = Math.max(0, r.left),
      y = Math.max(0, r.top);
    const w = Math.min(vw, r.right) - x,
      h = Math.min(vh, r.bottom) - y;
    return w > 0 && h > 0 ? { x: Math.round(x), y: Math.round(y), width: Math.round(w), height: Math.round(h) } : null;
  };
  const seen = new Set(args.seen);
  const keyOf = new Map<Element, string>();
  const hashCount = new Map<string, number>();
  const out: PageItem[] = [];
  const keys: string[] = [];
  const visible: { key: string; rect: ItemRect }[] = [];
  for (const el of currentItems()) {
    const first = (sels: string[]) => own(el, sels, items)[0] ?? null;
    const linkEl = first(def.permalink);
    const permalink = linkEl ? abs(linkEl.getAttribute('href')) : null;
    const ppt = def.prePlainText;
    const preEl = ppt ? (el.matches(`[${ppt.attribute}]`) ? el : first([`[${ppt.attribute}]`])) : null;
    const pre = preEl && ppt ? parsePre(preEl.getAttribute(ppt.attribute) ?? '', ppt.dateOrder) : null;
    const nameEl = first(def.authorName);
    const authorLinkEl = first(def.authorLink);
    const authorA = authorLinkEl ? (authorLinkEl.closest('a[href]') ?? authorLinkEl.querySelector('a[href]')) : null;
    const author = {
      name: pre?.name ?? (nameEl ? (nameEl.textContent ?? '').replace(/\s+/g, ' ').trim() || null : null),
      url: authorA ? abs(authorA.getAttribute('href')) : null,
    };
    const timeEl = first(def.time);
    let time: PageItem['time'] = { shown: null, machine: null, source: null };
    if (pre) time = { shown: pre.shown, machine: pre.machine, source: 'pre-plain-text' };
    else if (timeEl) {
      const shown = (timeEl.textContent ?? '').trim() || null;
      const dt = timeEl.getAttribute('datetime');
      const ut = timeEl.getAttribute('data-utime');
      if (dt) time = { shown, machine: dt, source: 'datetime' };
      else if (ut && /^\d+$/.test(ut)) {
        time = { shown, machine: new Date(Number(ut) * 1000).toISOString(), source: 'data-utime' };
      } else time = { shown, machine: timeEl.getAttribute('title'), source: 'title' };
    }
    const textEl = first(def.text);
    const text = textEl ? textOf(textEl, items, true) : textOf(el, items, true).trim();
    const links: string[] = [];
    for (const a of own(el, ['a[href]'], items)) {
      const h = abs(a.getAttribute('href'));
      if (h && !/^javascript:/i.test(h) && !links.includes(h)) links.push(h);
    }
    const media: string[] = [];
    for (const m of own(el, def.media, items)) {
      const bg = /url\(["']?([^"')]+)["']?\)/.exec((m as HTMLElement).style?.backgroundImage ?? '');
      const src = abs((m as HTMLImageElement).currentSrc || m.getAttribute('src') || (bg ? (bg[1] ?? null) : null));
      if (src && !src.startsWith('data:') && !media.includes(src)) media.push(src);
    }
    const counts: Record<string, string> = {};
    for (const c of def.counts) {
      const ce = first([c.selector]);
      const v = ce ? (ce.getAttribute('aria-label') || ce.textContent || '').replace(/\s+/g, ' ').trim() : '';
      if (v) counts[c.name] = v;
    }
    let replyTo: string | null = null;
    for (const r of def.replyTo) {
      const re = first([r.selector]);
      if (re && re.getAttribute(r.attribute)) {
        replyTo = re.getAttribute(r.attribute);
        break;
      }
    }
    const posAttr = el.getAttribute('aria-posinset');
    const posinset = posAttr && /^\d+$/.test(posAttr) ? Number(posAttr) : null;
    let key: string | null = null;
    let keySource: PageItem['keySource'] = 'content';
    if (permalink) {
      key = `url:${keyOfUrl(permalink)}`;
      keySource = 'permalink';
    }
    for (const attr of def.keyAttributes) {
      if (key) break;
      if (attr === 'aria-posinset') continue;
      const holder = el.hasAttribute(attr) ? el : first([`[${attr}]`]);
      const v = holder?.getAttribute(attr) ?? '';
      if (v && (attr !== 'data-testid' || /\d{3,}/.test(v))) {
        key = `id:${attr}=${v}`;
        keySource = 'attribute';
      }
    }
    if (!key && posinset !== null) {
      key = `pos:${posinset}`;
      keySource = 'posinset';
    }
    if (!key) {
      const base = `hash:${hash([author.name, time.machine ?? time.shown, text, media.join(' ')].join('\u0000'))}`;
      const n = (hashCount.get(base) ?? 0) + 1;
      hashCount.set(base, n);
      key = n === 1 ? base : `${base}#${n}`;
    }
    keyOf.set(el, key);
    keys.push(key);
    const rect = rectOf(el);
    if (rect) visible.push({ key, rect });
    if (seen.has(key)) continue;
    const notClicked = unexpanded.get(el);
    if (notClicked && !mem.deferred.has(el)) {
      mem.deferred.add(el);
      continue;
    }
    if (notClicked) failedBy.set(el, [...(failedBy.get(el) ?? []), ...notClicked.map((l) => `not clicked: ${l}`)]);
    let parent: Element | null = null;
    let depth = 0;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (!items.has(p)) continue;
      parent ??= p;
      depth++;
    }
    const html = el.outerHTML;
    out.push({
      key,
      keySource,
      parentKey: parent ? (keyOf.get(parent) ?? null) : null,
      depth,
      permalink,
      author,
      time,
      text,
      textSource: textEl ? 'selector' : 'item',
      links,
      media,
      counts,
      replyTo,
      posinset,
      html: html.length > args.maxHtmlChars ? html.slice(0, args.maxHtmlChars) : html,
      htmlTruncated: html.length > args.maxHtmlChars,
      rect,
      expansionFailed: failedBy.get(el) ?? [],
    });
  }

  // 3b. The profile header (first step of a profile capture): one item before the posts. Only a
  // region above the first item, outside every item, with a heading and a picture qualifies, so a
  // page's navigation bar or a post's own header is never taken for the profile.
  const readProfile = (): PageItem | null => {
    const mode = args.profile ?? 'never';
    if (mode === 'never') return null;
    const path = location.pathname;
    const rules = [def.profile, args.fallback?.profile].filter((r) => r !== undefined);
    const onPath = (p: string): boolean => {
      try {
        return new RegExp(p, 'u').test(path);
      } catch {
        return false; // a broken pattern in a definition disables that pattern only
      }
    };
    if (mode === 'auto' && !def.profile?.paths.some(onPath)) return null;
    // Built in, so 'always' works with a definition that has no profile rules and no fallback.
    const builtIn = {
      paths: [],
      header: ['header', '[role=banner]'],
      name: ['h1', 'h2'],
      handle: [],
      bio: ['p'],
      avatar: ['img'],
      counts: ['li'],
    };
    const firstItem = found?.els[0] ?? null;
    const qualifies = (h: Element): boolean =>
      h.querySelector('h1, h2') !== null &&
      h.querySelector('img') !== null &&
      owner(h, items) === null &&
      !Array.from(items).some((it) => h.contains(it)) &&
      (firstItem === null || (h.compareDocumentPosition(firstItem) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0);
    for (const rule of [...rules, builtIn]) {
      const header = rule.header.flatMap((s) => all(document, s)).find(qualifies);
      if (!header) continue;
      // Visible first; a picture that failed to load (no box) is still the profile's picture.
      const pick = (sels: string[]) => {
        const els = sels.flatMap((s) => all(header, s));
        return els.find((e) => isVisible(e)) ?? els[0] ?? null;
      };
      const oneLine = (e: Element | null) => (e ? (e.textContent ?? '').replace(/\s+/g, ' ').trim() || null : null);
      let handle = oneLine(pick(rule.handle));
      if (!handle) {
        const walker = document.createTreeWalker(header, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n && !handle; n = walker.nextNode()) {
          const m = /^\s*(@[\p{L}\p{N}._]{2,})\s*$/u.exec((n as Text).data);
          if (m) handle = m[1] ?? null;
        }
      }
      handle = handle ? handle.replace(/^@/, '') : null;
      const bioEl = pick(rule.bio);
      const counts: Record<string, string> = {};
      for (const c of rule.counts.flatMap((s) => all(header, s))) {
        const shown = (c.textContent ?? '').replace(BIDI, '').replace(/\s+/g, ' ').trim();
        const m =
          /^([\p{N}][\p{N}.,\s\u00a0\u202f]*[KkMm]?)\s+(\p{L}[\p{L} ]*)$/u.exec(shown) ??
          /^(\p{L}[\p{L} ]*?)\s*:?\s+([\p{N}][\p{N}.,\s\u00a0\u202f]*[KkMm]?)$/u.exec(shown);
        if (!m) continue;
        const numberFirst = /^[\p{N}]/u.test(shown);
        const [value, label] = numberFirst ? [m[1]!, m[2]!] : [m[2]!, m[1]!];
        const name = label.trim().toLowerCase();
        if (counts[name] !== undefined) continue;
        counts[name] = value.trim();
        const exact = c.querySelector('[title]')?.getAttribute('title')?.trim();
        if (exact && exact !== counts[name] && /^[\p{N}.,\s\u00a0\u202f]+$/u.test(exact)) {
          counts[`${name} (exact)`] = exact;
        }
      }
      const img = pick(rule.avatar) as HTMLImageElement | null;
      const shownSrc = img ? abs(img.currentSrc || img.getAttribute('src')) : null;
      let full = shownSrc;
      let best = 0;
      for (const cand of (img?.getAttribute('srcset') ?? '').split(',')) {
        const [u, d] = cand.trim().split(/\s+/);
        const size = d ? parseFloat(d) * (/x$/.test(d) ? 10_000 : 1) : 1;
        if (u && Number.isFinite(size) && size > best && abs(u)) {
          best = size;
          full = abs(u);
        }
      }
      const url = location.href.split('#')[0] ?? location.href;
      const links: string[] = [];
      for (const a of all(header, 'a[href]')) {
        const h = abs(a.getAttribute('href'));
        if (h && !/^javascript:/i.test(h) && !links.includes(h)) links.push(h);
      }
      const bio = bioEl ? textOf(bioEl, items, true) : null;
      const html = header.outerHTML;
      const profile = {
        url,
        name: oneLine(pick(rule.name)),
        handle,
        bio,
        counts,
        avatar: { shown: shownSrc, full },
        source: rule === def.profile && !usedFallback && def.id !== 'generic' ? 'definition' : 'generic',
      } as const;
      return {
        key: `profile:${keyOfUrl(url)}`,
        keySource: 'profile',
        parentKey: null,
        depth: 0,
        permalink: url,
        author: { name: profile.name, url },
        time: { shown: null, machine: null, source: null },
        text: bio ?? '',
        textSource: bioEl ? 'selector' : 'item',
        links,
        media: [full, shownSrc].filter((u, k, l): u is string => u !== null && l.indexOf(u) === k),
        // A copy: WebDriver BiDi sends an object met twice as a reference, which Puppeteer reads as undefined.
        counts: { ...counts },
        replyTo: null,
        posinset: null,
        html: html.length > args.maxHtmlChars ? html.slice(0, args.maxHtmlChars) : html,
        htmlTruncated: html.length > args.maxHtmlChars,
        rect: rectOf(header),
        expansionFailed: [],
        profile,
      };
    }
    return null;
  };
  const header = readProfile();
  if (header) {
    keys.unshift(header.key);
    if (header.rect) visible.unshift({ key: header.key, rect: header.rect });
    if (!seen.has(header.key)) out.unshift(header);
  }

  // 4. Walls and "content unavailable".
  let blocked: HarvestStepResult['blocked'] = null;
  const walls = anchored(def.wallLabels);
  const wallCandidates = [
    ...def.wallSelectors.flatMap((s) => all(document, s)),
    ...all(document, '[role=dialog], [aria-modal=true]'),
  ];
  for (const el of wallCandidates) {
    if (!isVisible(el)) continue;
    const byRule = def.wallSelectors.some((s) => el.matches(s));
    const byLabel =
      el.querySelector('input[type=password]') !== null ||
      all(el, 'button, [role=button], a, h1, h2').some((c) => walls.some((r) => r.test(labelOf(c))));
    if (byRule || byLabel) {
      const box = el.closest('[role=dialog], [aria-modal=true]') ?? el;
      blocked = { kind: 'login-wall', text: (box.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 300) };
      break;
    }
  }
  const unavailable = anchored(def.unavailableLabels);
  if (!blocked) {
    for (const el of all(document, 'h1, h2, [role=alert], [role=dialog], [role=main] > span')) {
      if (isVisible(el) && unavailable.some((r) => r.test(labelOf(el)))) {
        blocked = { kind: 'unavailable', text: (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 300) };
        break;
      }
    }
  }
  return {
    items: out,
    keys,
    visible,
    mounted: keys.length,
    matched: found
      ? {
          definition: def.id,
          version: def.version,
          selector: found.selector,
          generic: usedFallback || def.id === 'generic',
        }
      : null,
    clicks,
    refused,
    scroll: { pane: pane ? 'element' : 'window', before, after: top(), height: height(), viewport: view() },
    atEdge,
    settled,
    blocked,
    elapsedMs: Math.round(performance.now() - t0),
  };
}
