import type { Envelope, MessageType, Reply, Req, Res } from './protocol';

/**
 * The one way to send a protocol message, used by extension pages, content scripts, the CLI
 * drivers and the bench. Imports protocol.ts for its types only: a content script that sends
 * loads this file and nothing else (no validators, no db, services or package code).
 */

/** A failed request as the sender sees it: the English text, plus the code when there is one. */
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

const NO_ANSWER = 'The extension did not answer (it may be restarting); try again.';

/** The envelope of one message: nobody builds `{ hashmark: 1, … }` by hand. */
export function envelope<K extends MessageType>(type: K, payload: Req<K>): Envelope<K> {
  return { hashmark: 1, type, payload };
}

/**
 * Unwraps the background's reply: the value, or a ProtocolError with its text and code. No
 * reply at all (the message was dropped, or the worker restarted) throws `noAnswer`.
 */
export function unwrapReply<K extends MessageType>(reply: unknown, noAnswer = NO_ANSWER): Res<K> {
  const r = reply as Reply<K> | undefined;
  if (!r) throw new Error(noAnswer);
  if (!r.ok) throw new ProtocolError(r.error, r.code, r.detail);
  return r.value;
}

/** What `send` needs: `browser.runtime` (or a stand-in in tests). */
export interface MessageRuntime {
  sendMessage(m: unknown): Promise<unknown>;
}

/** Sends one protocol message and unwraps the reply (throws the error text). */
export async function send<K extends MessageType>(
  type: K,
  payload: Req<K>,
  runtime: MessageRuntime,
  noAnswer = NO_ANSWER,
): Promise<Res<K>> {
  return unwrapReply<K>(await runtime.sendMessage(envelope(type, payload)), noAnswer);
}
