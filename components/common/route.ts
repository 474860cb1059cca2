/** The dashboard's views, in the URL fragment so the back button, reloads and links work. */
export type Route =
  | { view: 'case'; caseId: string | null }
  | { view: 'capture'; captureId: string }
  | { view: 'settings' }
  | { view: 'verify' }
  // Team store (issue 18): the store's packages, imported read-only after verification.
  | { view: 'team' };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return '';
      }
    });
  if (parts[0] === 'settings') return { view: 'settings' };
  if (parts[0] === 'verify') return { view: 'verify' };
  if (parts[0] === 'team') return { view: 'team' };
  if (parts[0] === 'capture' && parts[1]) return { view: 'capture', captureId: parts[1] };
  if (parts[0] === 'case' && parts[1]) return { view: 'case', caseId: parts[1] };
  return { view: 'case', caseId: null };
}

export const href = {
  case: (id: string) => `#/case/${encodeURIComponent(id)}`,
  capture: (id: string) => `#/capture/${encodeURIComponent(id)}`,
  settings: '#/settings',
  verify: '#/verify',
  team: '#/team',
};
