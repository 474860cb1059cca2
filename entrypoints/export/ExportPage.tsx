import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { getCase, getDb, logCustody } from '@/utils/db';
import { ensureSigningKey } from '@/utils/evidence/signing-key';
import { buildCasePackage } from '@/utils/package/export-case';
import { saveDownload } from '@/utils/package/save-download';

type State =
  | { kind: 'running'; text: string }
  | { kind: 'done'; zipName: string; zipSha256: string; bytes: number; captures: number }
  | { kind: 'failed'; text: string };

/**
 * Export runs here, in an extension tab (never the worker, never the popup that closes on blur):
 * log export.started, build and sign the package, save it, log export.completed with the ZIP's
 * SHA-256 (or export.failed with the reason).
 */
export function ExportPage({ caseId }: { caseId: string }) {
  const [state, setState] = useState<State>({ kind: 'running', text: 'Starting…' });

  useEffect(() => {
    void (async () => {
      const db = getDb();
      const kase = await getCase(caseId, db);
      if (!kase) return setState({ kind: 'failed', text: 'This case does not exist.' });
      document.title = `Hashmark – export ${kase.name}`;
      try {
        const key = await ensureSigningKey(db);
        const now = new Date();
        await logCustody({ caseId, type: 'export.started', at: now.toISOString(), details: { keyFingerprint: key.fingerprint } }, db);
        const manifest = browser.runtime.getManifest();
        const bag = await buildCasePackage(caseId, {
          db,
          key,
          now,
          software: { name: 'Hashmark', version: manifest.version, browser: navigator.userAgent },
          onProgress: (phase, done, total) =>
            setState({ kind: 'running', text: phase === 'reading' ? `Checking capture ${done} of ${total}…` : `Writing file ${done} of ${total}…` }),
        });
        setState({ kind: 'running', text: `Saving ${bag.zipName}…` });
        await saveDownload(bag.zip, bag.zipName);
        await logCustody(
          {
            caseId,
            type: 'export.completed',
            at: new Date().toISOString(),
            details: { zipName: bag.zipName, zipSha256: bag.zipSha256, bytes: bag.zip.byteLength, payloadOxum: bag.payloadOxum },
          },
          db,
        );
        setState({ kind: 'done', zipName: bag.zipName, zipSha256: bag.zipSha256, bytes: bag.zip.byteLength, captures: kase.nextSequence - 1 });
      } catch (e) {
        const text = e instanceof Error ? e.message : String(e);
        await logCustody({ caseId, type: 'export.failed', at: new Date().toISOString(), details: { reason: text } }, db).catch(() => undefined);
        setState({ kind: 'failed', text });
      }
    })();
  }, [caseId]);

  return (
    <main style={{ padding: '1.5em', maxInlineSize: '50em' }} data-state={state.kind}>
      <h1>Export case</h1>
      {state.kind === 'running' && <p role="status">{state.text}</p>}
      {state.kind === 'failed' && (
        <p role="alert" class="error">
          Export stopped: {state.text}
        </p>
      )}
      {state.kind === 'done' && (
        <div role="status" data-zip-name={state.zipName} data-zip-sha256={state.zipSha256}>
          <p class="status ok">
            Saved <code>{state.zipName}</code> ({state.bytes.toLocaleString()} bytes) in your downloads folder.
          </p>
          <p>
            SHA-256 of the ZIP (also written in the case's custody log): <code class="zip-sha256">{state.zipSha256}</code>
          </p>
          <p>Give this value to the recipient separately, so they can check the file they receive is the one you sent.</p>
        </div>
      )}
    </main>
  );
}
