import { contextOf, validators, type MessageType, type Protocols, type Reply, type SenderContext } from './protocol';

/**
 * The background's one receiver: every runtime message goes through `receive`, which looks the
 * type up in the sender-context table (protocol.ts), applies that context's proof of origin,
 * validates the payload and only then calls the handler. Anything that fails a check is dropped
 * without a reply, after logging it as a security event (fail closed).
 */

/** Minimal view of runtime.MessageSender we rely on. */
export interface SenderLike {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

/** Where a watch message came from, as the browser (not the page) says. */
interface WatchSenderContext {
  tabId: number;
  /** The tab's URL from the browser's tab record. */
  url: string;
}

/** What each context's handlers learn about the sender (from the browser, never the payload). */
interface SenderFacts {
  page: Record<string, never>;
  /** `url`: the tab's URL from the browser's tab record ('' when the browser gives none). */
  content: { tabId: number; url: string };
  watch: WatchSenderContext;
}

type HandlersOf<C extends SenderContext> = {
  [K in keyof Protocols[C]]: Protocols[C][K] extends { req: infer Q; res: infer S }
    ? (payload: Q, from: SenderFacts[C]) => Promise<S>
    : never;
};
export type PageHandlers = HandlersOf<'page'>;
export type ContentHandlers = HandlersOf<'content'>;
export type WatchHandlers = HandlersOf<'watch'>;

/** What the receiver needs from the background. */
export interface Receiver {
  /** Our extension's id and the origin of its pages (with a trailing slash). */
  self: { id: string; origin: string };
  handlers: { page: PageHandlers; content: ContentHandlers; watch: WatchHandlers };
  /** Whether a capture job is running in that tab with that nonce (content messages only). */
  isRunningJob(tabId: number, nonce: string): Promise<boolean>;
  log?: (msg: string) => void;
}

/**
 * Only our own extension pages may send page messages: same extension id AND a URL on the
 * extension's origin (content scripts share the id but carry the web page's URL).
 */
function isOwnPage(sender: SenderLike, extensionId: string, extensionOrigin: string): boolean {
  if (sender.id !== extensionId || !sender.url) return false;
  try {
    return new URL(sender.url).origin === new URL(extensionOrigin).origin;
  } catch {
    return false;
  }
}

type Admission<C extends SenderContext> = { from: SenderFacts[C] } | { refused: string };

/** Each context's proof of origin, from the browser's sender record; the refusal is the log text. */
const admit: { [C in SenderContext]: (type: string, sender: SenderLike, self: Receiver['self']) => Admission<C> } = {
  page: (type, sender, self) =>
    isOwnPage(sender, self.id, self.origin)
      ? { from: {} }
      : {
          refused: `hashmark: dropped "${type}" from a sender that is not an extension page (${sender.url ?? 'unknown'})`,
        },
  content: (type, sender, self) => {
    const tabId = sender.tab?.id;
    if (sender.id !== self.id || tabId === undefined || sender.frameId !== 0) {
      return { refused: `hashmark: dropped "${type}": not from the top frame of a tab` };
    }
    return { from: { tabId, url: sender.tab?.url ?? '' } };
  },
  watch: (type, sender, self) => {
    const tabId = sender.tab?.id;
    const url = sender.tab?.url ?? '';
    const topOfWebTab = tabId !== undefined && tabId >= 0 && sender.frameId === 0 && /^https?:\/\//i.test(url);
    if (sender.id !== self.id || !topOfWebTab) {
      return { refused: `hashmark: dropped "${type}": not from the top frame of a web page tab` };
    }
    return { from: { tabId, url } };
  },
};

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

/**
 * Dispatches one received message. Page messages (and anything unknown) are answered
 * synchronously with undefined when dropped; content and watch messages always get a promise,
 * which resolves undefined when dropped (the content check awaits the job store).
 */
export function receive(
  message: unknown,
  sender: SenderLike,
  r: Receiver,
): Promise<Reply<MessageType> | undefined> | undefined {
  const log = r.log ?? console.warn;
  const context = contextOf(message);
  if (context === null) {
    log(`hashmark: dropped a message that is not part of the protocol (from ${sender.url ?? 'unknown'})`);
    return undefined;
  }
  const { type, payload } = message as { type: MessageType; payload: unknown };
  const admission = admit[context](type, sender, r.self);
  const validate = validators[type] as (p: unknown) => boolean;
  let dropped: string | null = null;
  if ('refused' in admission) dropped = admission.refused;
  else if (!validate(payload)) dropped = `hashmark: dropped "${type}" with a malformed payload`;
  const run = (): Promise<Reply<MessageType>> => {
    const handler = (r.handlers[context] as Record<string, (p: unknown, from: unknown) => Promise<unknown>>)[type]!;
    const from = (admission as { from: unknown }).from;
    return handler(payload, from).then((value) => ({ ok: true, value }) as Reply<MessageType>, failureReply);
  };
  if (context === 'page') {
    if (dropped !== null) return void log(dropped);
    return run();
  }
  return (async () => {
    if (dropped !== null) return void log(dropped);
    if (context === 'content') {
      const { tabId } = (admission as { from: SenderFacts['content'] }).from;
      if (!(await r.isRunningJob(tabId, (payload as { nonce: string }).nonce))) {
        return void log(`hashmark: dropped "${type}" from tab ${tabId}: no running capture with that nonce`);
      }
    }
    return run();
  })();
}
