/**
 * The database, one repository module per table family. This barrel keeps `@/utils/db` import
 * lines stable; every function takes the database as its first argument (no hidden default).
 *
 * utils/db is the one place that opens database transactions. Rule: nothing but Dexie is awaited
 * inside a transaction (a WebCrypto await would let IndexedDB commit half the writes); callers
 * hash and sign first, then call one of these functions, which writes everything in one
 * transaction. Custody events are appended only from inside those transactions (in-tx.ts, not
 * exported here).
 */
import { createDb, type HashmarkDb } from './schema';

export * from './schema';
export * from './settings-rules';
export * from './settings';
export * from './cases';
export * from './captures';
export * from './custody';
export * from './keys';
export * from './jobs';
export * from './timestamps';
export * from './text-rules';
export * from './annotations';
export * from './watch';
export * from './selectors';
export * from './storage';
export * from './search-index';
export * from './export-snapshot';
export * from './recordings';
export * from './harvest';

let shared: HashmarkDb | null = null;

/**
 * The extension's own database, opened once per extension context (background, each page, the
 * search worker). Only entrypoints (and the worker and bench pages, which are entry scripts)
 * call it; everything else receives the database as an argument, and tests pass their own.
 */
export function openExtensionDb(): HashmarkDb {
  shared ??= createDb();
  return shared;
}
export * from './store-queue';
export * from './imported';
