import { createSpoolHost, type SpoolRequest } from './zip-spool-host';

/**
 * The export page's spool worker (issue 17): a part's ZIP is hashed (SHA-256) and written to its
 * origin-private file here, off the page's thread, while the page reads and checks the next
 * files. Messages come only from the page that created the worker (a dedicated worker has no
 * other sender).
 */
// A written chunk goes back to the page, transferred (see createSpoolHost: it frees the worker of it).
const host = createSpoolHost((m) =>
  postMessage(m, { transfer: m.kind === 'written' && m.chunk ? [m.chunk.buffer as ArrayBuffer] : [] }),
);
addEventListener('message', (e: MessageEvent<SpoolRequest>) => void host.handle(e.data));
