/**
 * The ZIP record signatures (APPNOTE 4.3), named once: the package writer (zip-writer.ts) and the
 * verifier's strict reader (verify/zip.ts) must agree on them byte for byte.
 */
export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_Z64_EOCD = 0x06064b50;
export const SIG_Z64_LOCATOR = 0x07064b50;
