/**
 * A harvest's state as the popup and the CLI see it while it runs and after (`harvest.status`,
 * utils/messaging/protocol.ts); the background's harvest control answers it.
 */
import type { CompletenessReport } from './report';

/** What `harvest.status` answers. */
export interface HarvestStatus {
  jobId: string;
  captureId: string;
  sequence: number;
  tabId: number;
  state: 'running' | 'stored' | 'failed';
  items: number;
  steps: number;
  startedAt: string;
  /** Set once stored. */
  report?: Pick<CompletenessReport, 'stopReason' | 'complete' | 'mayBeMissing' | 'elapsedMs'>;
  captureJsonSha256?: string;
  /** Set once failed: the reason, as in the custody log. */
  error?: string;
}
