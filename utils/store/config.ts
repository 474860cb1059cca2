/**
 * The team store's configuration as the settings keep it (issue 18), and its one validator (pure: the
 * settings page, the message validator and the repository all call it). The secret key is either sealed
 * under a passphrase (./credentials) or, by explicit choice, kept as typed.
 */
import type { SealedSecret } from './credentials';
import { checkEndpoint } from './keys';

export interface StoreConfig {
  endpoint: string;
  bucket: string;
  /** Key prefix for this investigator or unit (may be empty). */
  prefix: string;
  region: string;
  /** COMPLIANCE retention of each pushed package, in days from the push. */
  retentionDays: number;
  /** Push each export part after it is saved. */
  pushExports: boolean;
  accessKeyId: string;
  secret: { kind: 'sealed'; sealed: SealedSecret } | { kind: 'plain'; secretAccessKey: string };
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** Why `c` is not a usable store configuration (a sentence naming the field), or null. */
export function validateStoreConfig(c: unknown): string | null {
  if (!isObj(c)) return 'The store settings must be an object.';
  if (typeof c.endpoint !== 'string') return 'The endpoint must be an address.';
  try {
    checkEndpoint(c.endpoint);
  } catch (e) {
    return (e as Error).message;
  }
  if (typeof c.bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(c.bucket)) {
    return 'The bucket must be 3 to 63 lowercase letters, digits, dots or hyphens.';
  }
  if (typeof c.prefix !== 'string' || c.prefix.length > 200 || !/^[A-Za-z0-9._/-]*$/.test(c.prefix)) {
    return 'The prefix may hold letters, digits, . _ - and / (at most 200).';
  }
  if (typeof c.region !== 'string' || !/^[a-z0-9-]{1,40}$/.test(c.region)) return 'The region must be like us-east-1.';
  const d = c.retentionDays;
  if (!Number.isInteger(d) || (d as number) < 1 || (d as number) > 36500) return 'Retention must be 1 to 36500 days.';
  if (typeof c.pushExports !== 'boolean') return 'Pushing exports must be on or off.';
  if (typeof c.accessKeyId !== 'string' || !/^[A-Za-z0-9+/=_-]{3,128}$/.test(c.accessKeyId)) {
    return 'The access key id is missing or malformed.';
  }
  const s = c.secret;
  if (!isObj(s)) return 'The secret key is missing.';
  if (s.kind === 'plain')
    return typeof s.secretAccessKey === 'string' && s.secretAccessKey ? null : 'The secret key is missing.';
  if (s.kind !== 'sealed' || !isObj(s.sealed) || typeof s.sealed.ciphertext !== 'string')
    return 'The sealed key is malformed.';
  return null;
}
