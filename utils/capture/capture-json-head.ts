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
      // Always null (docs/evidence-package-v1.md): capture.json is hashed before its timestamp is
      // asked for, so it cannot hold the answer. The skew measured when the token arrives is in the
      // custody log's timestamp.obtained (`skewMs`) and in report.html beside the token.
      tsaSkewMs: null,
    },
  };
}
