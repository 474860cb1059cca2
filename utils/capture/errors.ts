/**
 * Why a capture failed, as a stable code the interface translates, with the English sentence
 * that goes into the job, the custody log and the CLI (the legal record keeps one wording).
 * `detail` is technical text from the browser or the page, shown as is in every language.
 */
export const CAPTURE_ERROR_CODES = [
  'no-case',
  'no-tab',
  'refused-page',
  'file-access',
  'unreadable',
  'unexpected-result',
  'pdf',
  'tab-closed',
  'navigated',
  'storage-full',
  'store-failed',
  'not-allowed',
  'interrupted',
  'busy',
  'unreachable',
  'failed',
] as const;

export type CaptureErrorCode = (typeof CAPTURE_ERROR_CODES)[number];

export function isCaptureErrorCode(x: unknown): x is CaptureErrorCode {
  return typeof x === 'string' && (CAPTURE_ERROR_CODES as readonly string[]).includes(x);
}

/** A failure with a message meant for the investigator (English) and its code (translated). */
export class CaptureError extends Error {
  override name = 'CaptureError';
  constructor(
    message: string,
    readonly code: CaptureErrorCode = 'failed',
    readonly detail?: string,
  ) {
    super(message);
  }
}
