import type { CaptureOptions, CaptureResult, CaptureTrigger } from '@/utils/capture/pipeline';
import type { CaseRecord, WatchRecord } from '@/utils/db/schema';
import type { FetchedResource } from '@/utils/capture/page-copy-shared';
import { REPORT_MAX, VALUE_MAX, WATCH_KINDS, type SeenSelector, type WatchKind } from '@/utils/watch/types';

/**
 * The one message protocol between extension pages (popup, dashboard, export page, CLI via an
 * extension page) and the background. Each message has a request validator; the receiver also
 * checks that the sender is one of our own pages. Anything else is dropped (fail closed).
 *
 * The capture content script does not message: its result comes back as the return value of
 * scripting.executeScript, a channel the page cannot forge.
 */
export interface Protocol {
  'capture.start': { req: { tabId?: number; trigger: CaptureTrigger; options?: Partial<CaptureOptions> }; res: CaptureResult };
  'case.create': { req: { name: string; reference?: string; activate?: boolean }; res: CaseRecord };
  'case.setActive': { req: { caseId: string }; res: { caseId: string } };
  /** Settings the CLI sets (the dashboard writes the same fields through utils/db directly). */
  'settings.update': {
    req: { tsaUrl?: string; investigatorName?: string; investigatorUnit?: string; organization?: string; defaultRegion?: string; fastScreenshots?: boolean };
    res: { ok: true };
  };
  /** Try pending RFC 3161 timestamps now (the CLI calls it before exporting). */
  'timestamps.process': { req: Record<string, never>; res: { obtained: number; failed: number; pending: number } };
  /** Watch list (issue #6 item 4): the value as typed; the background normalises, stores, logs and re-syncs the scan. */
  'watch.add': { req: { caseId: string; kind: WatchKind; value: string; region?: string }; res: WatchRecord };
  'watch.remove': { req: { watchId: string }; res: { ok: true } };
  /** Re-check host access and the watch list and (un)register the page scan (after a permission change in a page). */
  'watch.sync': { req: Record<string, never>; res: { registered: boolean } };
}
export type MessageType = keyof Protocol;
export type Envelope<K extends MessageType = MessageType> = { hashmark: 1; type: K; payload: Protocol[K]['req'] };
/** A failure carries the English text and, for capture failures, a code the interface translates. */
export type Reply<K extends MessageType> =
  | { ok: true; value: Protocol[K]['res'] }
  | { ok: false; error: string; code?: string; detail?: string };

function failureReply(e: unknown): Reply<MessageType> {
  if (!(e instanceof Error)) return { ok: false, error: String(e) };
  const { code, detail } = e as Error & { code?: unknown; detail?: unknown };
  return {
    ok: false,
    error: e.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof detail === 'string' ? { detail } : {}),
  };
}

/** A failed request as the page sees it: the English text, plus the code when there is one. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  constructor(
    message: string,
    readonly code?: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

const TRIGGERS: readonly CaptureTrigger[] = ['popup', 'command', 'context-menu', 'dashboard', 'cli'];
const str = (x: unknown, max = 500) => typeof x === 'string' && x.length <= max;
const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** Shape validators, one per message (a convention test checks none is missing). */
export const validators: { [K in MessageType]: (p: unknown) => p is Protocol[K]['req'] } = {
  'capture.start': (p): p is Protocol['capture.start']['req'] =>
    isObj(p) &&
    (p.tabId === undefined || (Number.isInteger(p.tabId) && (p.tabId as number) >= 0)) &&
    TRIGGERS.includes(p.trigger as CaptureTrigger) &&
    (p.options === undefined ||
      (isObj(p.options) &&
        Object.entries(p.options).every(([k, v]) => ['fullPage', 'pageCopy', 'mhtml', 'media'].includes(k) && typeof v === 'boolean'))),
  'case.create': (p): p is Protocol['case.create']['req'] =>
    isObj(p) &&
    str(p.name, 200) &&
    (p.name as string).trim().length > 0 &&
    (p.reference === undefined || str(p.reference, 200)) &&
    (p.activate === undefined || typeof p.activate === 'boolean'),
  'case.setActive': (p): p is Protocol['case.setActive']['req'] => isObj(p) && str(p.caseId, 100),
  'settings.update': (p): p is Protocol['settings.update']['req'] =>
    isObj(p) &&
    Object.keys(p).every((k) => ['tsaUrl', 'investigatorName', 'investigatorUnit', 'organization', 'defaultRegion', 'fastScreenshots'].includes(k)) &&
    (p.fastScreenshots === undefined || typeof p.fastScreenshots === 'boolean') &&
    (p.tsaUrl === undefined || (str(p.tsaUrl, 2000) && (p.tsaUrl === '' || /^https?:\/\/[^\s]+$/i.test(p.tsaUrl as string)))) &&
    (p.defaultRegion === undefined || (typeof p.defaultRegion === 'string' && /^([A-Z]{2})?$/.test(p.defaultRegion))) &&
    ['investigatorName', 'investigatorUnit', 'organization'].every((k) => p[k] === undefined || str(p[k], 200)),
  'timestamps.process': (p): p is Protocol['timestamps.process']['req'] => isObj(p) && Object.keys(p).length === 0,
  'watch.add': (p): p is Protocol['watch.add']['req'] =>
    isObj(p) &&
    Object.keys(p).every((k) => ['caseId', 'kind', 'value', 'region'].includes(k)) &&
    str(p.caseId, 100) &&
    WATCH_KINDS.includes(p.kind as WatchKind) &&
    str(p.value, 1000) &&
    (p.region === undefined || (typeof p.region === 'string' && /^[A-Z]{2}$/.test(p.region))),
  'watch.remove': (p): p is Protocol['watch.remove']['req'] => isObj(p) && Object.keys(p).length === 1 && str(p.watchId, 100),
  'watch.sync': (p): p is Protocol['watch.sync']['req'] => isObj(p) && Object.keys(p).length === 0,
};

export function isEnvelope(m: unknown): m is Envelope {
  return isObj(m) && m.hashmark === 1 && typeof m.type === 'string' && Object.hasOwn(validators, m.type);
}

/** Minimal view of runtime.MessageSender we rely on. */
export interface SenderLike {
  id?: string;
  url?: string;
  origin?: string;
}

/**
 * Only our own extension pages may send protocol messages: same extension id AND a URL on the
 * extension's origin (content scripts share the id but carry the web page's URL).
 */
export function isOwnPage(sender: SenderLike, extensionId: string, extensionOrigin: string): boolean {
  if (sender.id !== extensionId || !sender.url) return false;
  try {
    return new URL(sender.url).origin === new URL(extensionOrigin).origin;
  } catch {
    return false;
  }
}

export type Handlers = { [K in MessageType]: (payload: Protocol[K]['req']) => Promise<Protocol[K]['res']> };

/**
 * Dispatches one received message. Returns undefined (no reply) for anything that is not a
 * well-formed protocol message from one of our pages, after logging it as a security event.
 */
export function dispatch(
  message: unknown,
  sender: SenderLike,
  self: { id: string; origin: string },
  handlers: Handlers,
  log: (msg: string) => void = console.warn,
): Promise<Reply<MessageType>> | undefined {
  if (!isEnvelope(message)) {
    log(`hashmark: dropped a message that is not part of the protocol (from ${sender.url ?? 'unknown'})`);
    return undefined;
  }
  if (!isOwnPage(sender, self.id, self.origin)) {
    log(`hashmark: dropped "${message.type}" from a sender that is not an extension page (${sender.url ?? 'unknown'})`);
    return undefined;
  }
  const validate = validators[message.type] as (p: unknown) => boolean;
  if (!validate(message.payload)) {
    log(`hashmark: dropped "${message.type}" with a malformed payload`);
    return undefined;
  }
  const handler = handlers[message.type] as (p: unknown) => Promise<unknown>;
  return handler(message.payload).then(
    (value) => ({ ok: true, value }) as Reply<MessageType>,
    failureReply,
  );
}

/** Sends a protocol message from an extension page and unwraps the reply (throws the error text). */
export async function send<K extends MessageType>(
  type: K,
  payload: Protocol[K]['req'],
  runtime: { sendMessage(m: unknown): Promise<unknown> },
): Promise<Protocol[K]['res']> {
  const envelope: Envelope<K> = { hashmark: 1, type, payload };
  const reply = (await runtime.sendMessage(envelope)) as Reply<K> | undefined;
  if (!reply) throw new Error('The extension did not answer (it may be restarting); try again.');
  if (!reply.ok) throw new ProtocolError(reply.error, reply.code, reply.detail);
  return reply.value;
}

/**
 * Messages a capture content script may send (today: resource fetches for the page copy). The
 * page is untrusted and shares the renderer with the content script, so these are accepted only
 * from the top frame of the tab of a RUNNING capture job that carries that job's nonce (the
 * nonce lives in the isolated world, out of the page's reach). Anything else is dropped.
 */
export interface ContentProtocol {
  'pagecopy.fetch': { req: { url: string; nonce: string }; res: FetchedResource };
}
export type ContentMessageType = keyof ContentProtocol;

export const contentValidators: { [K in ContentMessageType]: (p: unknown) => p is ContentProtocol[K]['req'] } = {
  'pagecopy.fetch': (p): p is ContentProtocol['pagecopy.fetch']['req'] =>
    isObj(p) && str(p.url, 8192) && /^(https?:)\/\//i.test(p.url as string) && str(p.nonce, 100),
};

export interface ContentSenderLike extends SenderLike {
  tab?: { id?: number };
  frameId?: number;
}

export type ContentHandlers = { [K in ContentMessageType]: (payload: ContentProtocol[K]['req']) => Promise<ContentProtocol[K]['res']> };

/** True when a protocol message's type belongs to the content-script protocol. */
export function isContentMessage(m: unknown): m is { hashmark: 1; type: ContentMessageType; payload: unknown } {
  return isObj(m) && m.hashmark === 1 && typeof m.type === 'string' && Object.hasOwn(contentValidators, m.type);
}

/**
 * Dispatches a content-script message after checking: our extension, a tab, the top frame, a
 * valid payload, and a running job of that tab with that nonce. Resolves undefined (no reply)
 * when any check fails, after logging it.
 */
export async function dispatchFromContent(
  message: unknown,
  sender: ContentSenderLike,
  extensionId: string,
  isRunningJob: (tabId: number, nonce: string) => Promise<boolean>,
  handlers: ContentHandlers,
  log: (msg: string) => void = console.warn,
): Promise<Reply<MessageType> | undefined> {
  if (!isContentMessage(message)) return undefined;
  const tabId = sender.tab?.id;
  if (sender.id !== extensionId || tabId === undefined || sender.frameId !== 0) {
    log(`hashmark: dropped "${message.type}": not from the top frame of a tab`);
    return undefined;
  }
  const validate = contentValidators[message.type] as (p: unknown) => boolean;
  if (!validate(message.payload)) {
    log(`hashmark: dropped "${message.type}" with a malformed payload`);
    return undefined;
  }
  const payload = message.payload as { nonce: string };
  if (!(await isRunningJob(tabId, payload.nonce))) {
    log(`hashmark: dropped "${message.type}" from tab ${tabId}: no running capture with that nonce`);
    return undefined;
  }
  const handler = handlers[message.type] as (p: unknown) => Promise<unknown>;
  return handler(message.payload).then(
    (value) => ({ ok: true, value }) as Reply<MessageType>,
    failureReply,
  );
}

/**
 * Messages of the watch scan script (entrypoints/watch.content), which runs by itself on pages
 * the investigator browses (only with host access and a non-empty watch list). It has no job
 * and no nonce: its messages are accepted only from our extension's content script in the TOP
 * frame of a tab on an http(s) page, with a bounded payload of normalised selectors; the tab's
 * URL comes from the browser's sender record, never from the payload. Nothing it sends can
 * write anything but a watch.hit for an entry that matches.
 *
 * Top frame only (decided): the script is registered without allFrames. Ad pages show their
 * contact details in the main document; frames are mostly third-party ads and trackers, and
 * scanning them would multiply the work on every page.
 */
export interface WatchProtocol {
  /** Asked once per page load: the region to read national numbers in, or null (nothing to watch: stop). */
  'watch.config': { req: Record<string, never>; res: { region: string } | null };
  /** The selectors a scan found that this page load has not reported yet. */
  'watch.report': { req: { loadId: string; selectors: SeenSelector[] }; res: { hits: number } };
}
export type WatchMessageType = keyof WatchProtocol;

const SELECTOR_KINDS = ['phone', 'email', 'handle', 'wallet'];
export const watchValidators: { [K in WatchMessageType]: (p: unknown) => p is WatchProtocol[K]['req'] } = {
  'watch.config': (p): p is WatchProtocol['watch.config']['req'] => isObj(p) && Object.keys(p).length === 0,
  'watch.report': (p): p is WatchProtocol['watch.report']['req'] =>
    isObj(p) &&
    Object.keys(p).length === 2 &&
    typeof p.loadId === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(p.loadId) &&
    Array.isArray(p.selectors) &&
    p.selectors.length <= REPORT_MAX &&
    p.selectors.every(
      (x) => isObj(x) && Object.keys(x).length === 2 && SELECTOR_KINDS.includes(x.kind as string) && str(x.value, VALUE_MAX) && (x.value as string).length > 0,
    ),
};

export function isWatchMessage(m: unknown): m is { hashmark: 1; type: WatchMessageType; payload: unknown } {
  return isObj(m) && m.hashmark === 1 && typeof m.type === 'string' && Object.hasOwn(watchValidators, m.type);
}

/** Where a watch message came from, as the browser (not the page) says. */
export interface WatchSenderContext {
  tabId: number;
  /** The tab's URL from the browser's tab record. */
  url: string;
}

export type WatchHandlers = {
  [K in WatchMessageType]: (payload: WatchProtocol[K]['req'], from: WatchSenderContext) => Promise<WatchProtocol[K]['res']>;
};

/**
 * Dispatches a watch-script message after checking: our extension, a tab with an http(s) URL,
 * the top frame, a valid payload. Resolves undefined (no reply) when any check fails, after
 * logging it.
 */
export async function dispatchFromWatch(
  message: unknown,
  sender: ContentSenderLike & { tab?: { id?: number; url?: string } },
  extensionId: string,
  handlers: WatchHandlers,
  log: (msg: string) => void = console.warn,
): Promise<Reply<MessageType> | undefined> {
  if (!isWatchMessage(message)) return undefined;
  const tabId = sender.tab?.id;
  const url = sender.tab?.url ?? '';
  if (sender.id !== extensionId || tabId === undefined || tabId < 0 || sender.frameId !== 0 || !/^https?:\/\//i.test(url)) {
    log(`hashmark: dropped "${message.type}": not from the top frame of a web page tab`);
    return undefined;
  }
  const validate = watchValidators[message.type] as (p: unknown) => boolean;
  if (!validate(message.payload)) {
    log(`hashmark: dropped "${message.type}" with a malformed payload`);
    return undefined;
  }
  const handler = handlers[message.type] as (p: unknown, from: WatchSenderContext) => Promise<unknown>;
  return handler(message.payload, { tabId, url }).then(
    (value) => ({ ok: true, value }) as Reply<MessageType>,
    (e: unknown) => ({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
}
