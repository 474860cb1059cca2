/**
 * The site definitions for the harvest, and the choice of one for a URL. Which one (id and
 * version) was used is recorded with the capture; when a site definition no longer matches the
 * page, the in-page step falls back to the generic structures and says so.
 */
import type { SiteDefinition } from '../definition';
import { facebook } from './facebook';
import { generic } from './generic';
import { instagram } from './instagram';
import { messenger } from './messenger';
import { telegramPreview, telegramWeb } from './telegram';
import { tiktok } from './tiktok';
import { whatsappWeb } from './whatsapp';
import { x } from './x';

export { generic };

/** Every site definition, most specific first (Messenger's facebook.com/messages before Facebook). */
export const SITE_DEFINITIONS: readonly SiteDefinition[] = [
  { ...messenger, hosts: ['messenger.com'] },
  { ...messenger, id: 'messenger', hosts: ['facebook.com'], paths: ['^/messages/'] },
  facebook,
  instagram,
  x,
  tiktok,
  telegramWeb,
  telegramPreview,
  whatsappWeb,
];

function hostMatches(host: string, pattern: string): boolean {
  return host === pattern || host.endsWith(`.${pattern}`);
}

/** The definition for `url`: the first site whose host and path match, else the generic one. */
export function definitionFor(url: string): SiteDefinition {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return generic;
  }
  const host = parsed.hostname.toLowerCase();
  const pathMatches = (d: SiteDefinition) =>
    d.paths.length === 0 || d.paths.some((p) => new RegExp(p).test(parsed.pathname));
  const found = SITE_DEFINITIONS.find((d) => d.hosts.some((h) => hostMatches(host, h)) && pathMatches(d));
  return found ?? generic;
}
