/**
 * Selector types shared by the extractor, the CSV writer and (later) the database and dashboard.
 * A selector is a contact or identity value found in a capture (DESIGN.md "Words"), normalised so
 * that the same number or account written two ways links the captures it appears in (issue 6).
 */

export type SelectorKind = 'phone' | 'email' | 'handle' | 'wallet';

/** Platforms a handle belongs to. WhatsApp has no public usernames: it only appears for group invites. */
export type HandlePlatform = 'whatsapp' | 'telegram' | 'instagram' | 'facebook' | 'tiktok' | 'x' | 'snapchat';

/** Chains a wallet address belongs to. "eth" covers every EVM chain (same address format). */
export type WalletPlatform = 'btc' | 'eth' | 'tron';

type SelectorSource = 'text' | 'link';

export interface ExtractedSelector {
  kind: SelectorKind;
  /**
   * Normalised form, the key that links captures: phone E.164 ("+33612345678"); email lowercase;
   * handle "platform:handle" (lowercase where the platform ignores case); wallet address in its
   * canonical form (BTC base58 as is, bech32 lowercase, ETH EIP-55 checksummed, TRON base58).
   */
  value: string;
  /**
   * Distinct forms it was written in, in order of first appearance: the text as written (digits in
   * their own script) with invisible format characters removed and whitespace collapsed, or the
   * link target for links. Each form is at most {@link RAW_FORM_MAX} characters.
   */
  raw: string[];
  /**
   * For handles and wallets: the platform / chain. For phones: the messaging platform when a link
   * proved it (wa.me or api.whatsapp.com gives "whatsapp", t.me/+<number> gives "telegram");
   * absent for phones only seen as text.
   */
  platform?: HandlePlatform | WalletPlatform;
  /** Where it was seen, distinct, in order of first appearance. */
  source: SelectorSource[];
}

/**
 * One sighting before deduplication. `pos` orders text sightings (index in the folded text); link
 * sightings come after all text sightings, in link order.
 */
export interface SelectorHit {
  kind: SelectorKind;
  value: string;
  raw: string;
  platform?: HandlePlatform | WalletPlatform;
  source: SelectorSource;
  pos: number;
}

/** Raw forms come from an untrusted page: a megabyte-long href must not be stored as a "form". */
export const RAW_FORM_MAX = 300;
