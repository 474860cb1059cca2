import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { HashmarkDb } from '@/utils/db';

const Db = createContext<HashmarkDb | null>(null);

/**
 * The database components read: the one the entrypoint (or a test) mounted with DbProvider.
 * No fallback: a component outside a provider fails loudly instead of opening a database itself.
 */
export function useDb(): HashmarkDb {
  const db = useContext(Db);
  if (!db)
    throw new Error('useDb: no DbProvider above this component (the entrypoint mounts it with the opened database).');
  return db;
}

export function DbProvider(props: { db: HashmarkDb; children: ComponentChildren }) {
  return <Db.Provider value={props.db}>{props.children}</Db.Provider>;
}
