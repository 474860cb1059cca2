/**
 * The team store's multipart part size (issue 18), shared by the push (utils/store/push.ts) and the
 * export writer, which takes the SHA-256 of each consecutive segment of this size while it writes a
 * part's ZIP (utils/package/zip-spool-host.ts): the push then signs each part with its precomputed
 * digest and never reads the bytes. Measured (docs/performance.md, "Team store push, second pass"):
 * 8 MiB parts, 3 in flight. S3's minimum part size is 5 MiB (except the last).
 */
export const STORE_PART_BYTES = 8 * 1024 * 1024;
