import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

/**
 * Re-renders when the database rows a query reads change (in any context: worker or page).
 * `deps` are the caller's, as for useEffect: the lint config lists useLive in react-hooks'
 * `additionalHooks`, so every call site's deps are checked against its query instead.
 */
export function useLive<T>(query: () => Promise<T>, deps: unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({ next: setValue, error: (e) => console.error('hashmark: live query', e) });
    return () => sub.unsubscribe();
    // The caller's deps, passed through: react-hooks checks them at each call site (additionalHooks).
    // eslint-disable-next-line react-hooks/exhaustive-deps -- deps are the caller's, see above
  }, deps);
  return value;
}
