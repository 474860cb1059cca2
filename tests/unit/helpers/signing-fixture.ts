import { afterEach, beforeEach } from 'vitest';
import { createDb, type HashmarkDb, type KeyRecord } from '@/utils/db';
import { ensureSigningKey } from '@/utils/services/signing-keys';
import { at } from './export-fixture';

// Apart from export-fixture.ts: that one is also loaded outside vitest (scripts/bench/verify-package.ts).

/**
 * Each test of the calling file gets a fresh database (named `name-<n>`) holding the signing key made
 * at `at(0)`, handed to `use` before the test (vitest beforeEach), closed and deleted after it.
 */
export function withSigningKey(name: string, use: (db: HashmarkDb, key: KeyRecord) => void): void {
  let n = 0;
  let db: HashmarkDb | null = null;
  beforeEach(async () => {
    db = createDb(`${name}-${++n}`);
    await db.open();
    use(db, await ensureSigningKey(db, () => new Date(at(0))));
  });
  afterEach(async () => {
    db?.close();
    await db?.delete();
    db = null;
  });
}
