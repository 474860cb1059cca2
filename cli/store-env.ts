/**
 * Where `push`, `pull` and `store check` (issue 18) find the store, declared and checked once here
 * ({@link storeTargetArgs}): `--store s3://bucket/prefix`, the endpoint
 * from `--endpoint` or AWS_ENDPOINT_URL, the region from `--region`, AWS_REGION or AWS_DEFAULT_REGION,
 * and credentials only from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), as the AWS
 * tools do: a secret on the command line would sit in the shell history and the process list.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { checkEndpoint, parseStoreUrl, type StoreTarget } from '@/utils/store';

export interface StoreLocation {
  target: StoreTarget;
  prefix: string;
}

/** Thrown for a missing or malformed option (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

function storeFromArgs(
  v: { store?: string; endpoint?: string; region?: string },
  env: NodeJS.ProcessEnv = process.env,
): StoreLocation {
  if (!v.store) throw new UsageError('--store s3://<bucket>[/<prefix>] is required');
  const { bucket, prefix } = parseStoreUrl(v.store);
  const endpoint = v.endpoint ?? env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new UsageError('--endpoint <url> (or AWS_ENDPOINT_URL) is required');
  const url = checkEndpoint(endpoint);
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new UsageError('set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  const region = v.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const sessionToken = env.AWS_SESSION_TOKEN;
  return {
    target: {
      endpoint: url.origin,
      bucket,
      region,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    },
    prefix,
  };
}

/** The options every store command takes, declared once. */
const STORE_OPTIONS = {
  store: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/**
 * Parses a store command's arguments: the shared store options plus the command's own, and the store
 * location (endpoint, bucket, prefix, region, credentials from the environment). Anything malformed,
 * an unknown option included, is a {@link UsageError} (exit 2).
 */
export function storeTargetArgs<const T extends ParseArgsOptionsConfig>(
  args: string[],
  options: T,
  o: { positionals?: boolean; env?: NodeJS.ProcessEnv } = {},
) {
  const config = {
    args,
    options: { ...STORE_OPTIONS, ...options },
    allowPositionals: true as const,
    strict: true as const,
  };
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!o.positionals && parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  const loc = storeFromArgs(parsed.values, o.env);
  return { loc, values: parsed.values, positionals: parsed.positionals };
}

/** `--key-fingerprint`, when given, is the signing key's SHA-256 (64 hex digits). */
export function fingerprintArg(fp: string | undefined): string | undefined {
  if (fp !== undefined && !/^[0-9a-fA-F]{64}$/.test(fp))
    throw new UsageError('--key-fingerprint must be 64 hex digits');
  return fp;
}
