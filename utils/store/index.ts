/**
 * The team evidence store's client (issue 18): pure (no db, platform or browser API beyond fetch and
 * WebCrypto), shared by the extension's push service and the CLI.
 */
export { type Credentials } from './sigv4';
export {
  objectUrl,
  parseHead,
  parseVersions,
  presignGet,
  retainUntilDate,
  S3Error,
  type Fetcher,
  type ObjectVersionInfo,
  type StoreTarget,
} from './s3';
export { createLockedBucket, deleteVersion, getObject, headObject, listVersions } from './bucket';
export { checkReadBack, pushPackage, PushCheckError } from './push';
export { STORE_PART_BYTES } from './part-size';
export { packageKey, parseStoreUrl, checkEndpoint } from './keys';
export { openSecret, sealSecret } from './credentials';
export { validateStoreConfig, type StoreConfig } from './config';
