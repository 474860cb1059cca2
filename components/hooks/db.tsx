import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { getDb, type HashmarkDb } from '@/utils/db';

const Db = createContext<HashmarkDb | null>(null);

/** The database components read and write: the provider's (tests pass their own) or this context's. */
export function useDb(): HashmarkDb {
  return useContext(Db) ?? getDb();
}

export function DbProvider(props: { db: HashmarkDb; children: ComponentChildren }) {
  return <Db.Provider value={props.db}>{props.children}</Db.Provider>;
}
