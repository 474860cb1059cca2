import type { CaptureRecord, JobRecord } from '@/utils/db';
import { BlobImage } from './BlobImage';

function time(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** One stored capture: thumbnail, title, time, hash prefix. Shared by the popup and the dashboard. */
export function CaptureCard({ capture }: { capture: CaptureRecord }) {
  const shot = capture.artifacts.find((a) => a.path === 'screenshot-viewport.png');
  return (
    <li class="capture-card" data-capture-id={capture.id} data-status="stored">
      {shot ? <BlobImage sha256={shot.sha256} mediaType="image/png" alt="" class="thumb" /> : <div class="thumb placeholder" />}
      <div class="capture-body">
        <div class="capture-title" dir="auto" title={capture.url}>
          #{capture.sequence} {capture.title || capture.url}
        </div>
        <div class="capture-meta">
          <time dateTime={capture.finishedAt}>{time(capture.finishedAt)}</time>
          {' · '}
          <span class="hash" title={`SHA-256 of capture.json: ${capture.captureJson.sha256}`}>
            <code>{capture.captureJson.sha256.slice(0, 12)}</code>
          </span>
          {' · '}
          <span class="status ok">stored</span>
        </div>
      </div>
    </li>
  );
}

/** A capture that failed or is still running, with its reason. */
export function JobCard({ job }: { job: JobRecord }) {
  return (
    <li class="capture-card" data-capture-id={job.captureId} data-status={job.state}>
      <div class="thumb placeholder" />
      <div class="capture-body">
        <div class="capture-title">#{job.sequence} {job.state === 'running' ? 'capturing…' : 'failed'}</div>
        <div class="capture-meta">
          <time dateTime={job.startedAt}>{time(job.startedAt)}</time>
          {job.error ? <span class="status err"> · {job.error}</span> : null}
        </div>
      </div>
    </li>
  );
}
