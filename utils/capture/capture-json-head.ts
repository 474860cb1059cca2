/**
 * The fields that open every capture.json, whatever its kind (a page, a page view recorded
 * without its page, an unreachable site, a harvest): one definition so the kinds cannot drift
 * apart. Key order is part of the hashed bytes. Pure.
 */
export interface CaptureJsonHeadInput {
  captureId: string;
  caseId: string;
  sequence: number;
  operator: { name: string; unit: string; organization: string };
  trigger: string;
  startedAt: Date;
  finishedAt: Date;
  /** The server's Date header minus the browser's clock, when the document's response was seen. */
  serverDateSkewMs: number | null;
}

export function captureJsonHead(i: CaptureJsonHeadInput) {
  return {
    schema: 'hashmark.capture/1',
    captureId: i.captureId,
    caseId: i.caseId,
    sequence: i.sequence,
    operator: i.operator,
    trigger: i.trigger,
    startedAt: i.startedAt.toISOString(),
    finishedAt: i.finishedAt.toISOString(),
    clock: {
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      utcOffsetMinutes: -i.finishedAt.getTimezoneOffset(),
      serverDateSkewMs: i.serverDateSkewMs,
      // Always null: capture.json is hashed before any timestamp exists; the TSA's time is in the
      // export's timestamp files.
      tsaSkewMs: null,
    },
  };
}
