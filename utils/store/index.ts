/**
 * The team evidence store's client (issue 18): pure (no db, platform or browser API beyond fetch and
 * WebCrypto), shared by the extension's push service and the CLI.
 */
export { amzDate, signRequest, uriEncode, EMPTY_SHA256, type Credentials } from './sigv4';
export {
  lockHeaders,
  objectUrl,
  parseHead,
  parseVersions,
  retainUntilDate,
  s3Send,
  S3Error,
  type Fetcher,
  type HeadInfo,
  type ObjectVersionInfo,
  type StoreTarget,
} from './s3';
export { createLockedBucket, deleteVersion, getObject, headObject, listVersions } from './bucket';
export { blobMd5Base64, checkReadBack, pushPackage, PushCheckError, type PushInput, type PushResult } from './push';
export { packageKey, parseStoreUrl, isLoopbackHost, checkEndpoint } from './keys';
export { openSecret, sealSecret, PBKDF2_ITERATIONS, type SealedSecret } from './credentials';
export { validateStoreConfig, type StoreConfig } from './config';
