/**
 * Where `push` and `store check` (issue 18) find the store: `--store s3://bucket/prefix`, the endpoint
 * from `--endpoint` or AWS_ENDPOINT_URL, the region from `--region`, AWS_REGION or AWS_DEFAULT_REGION,
 * and credentials only from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), as the AWS
 * tools do: a secret on the command line would sit in the shell history and the process list.
 */
import { checkEndpoint, parseStoreUrl, type StoreTarget } from '@/utils/store';

export interface StoreLocation {
  target: StoreTarget;
  prefix: string;
}

/** Thrown for a missing or malformed option (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function storeFromArgs(
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
