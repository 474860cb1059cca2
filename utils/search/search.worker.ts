import { openExtensionDb } from '@/utils/db';
import { createSearchHost, type HostRequest } from '@/utils/services/search-host';

/**
 * The dashboard's search worker: the index lives here, off the page's thread. Messages come
 * only from the page that created the worker (a dedicated worker has no other sender).
 */
const host = createSearchHost(openExtensionDb(), (m) => postMessage(m));
addEventListener('message', (e: MessageEvent<HostRequest>) => host.handle(e.data));
