import { useEffect, useState } from 'preact/hooks';
import { parseRoute, type Route } from '../common/route';

/** The dashboard's current view, read from the URL fragment and followed as it changes. */
export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
