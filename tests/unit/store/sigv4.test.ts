// Why: the store refuses a wrong signature with a bare 403; these pin the signer to AWS's published S3
// vector and to botocore's output for the requests the push sends (lock headers, encoded key, query).
import { describe, expect, it } from 'vitest';
import { amzDate, EMPTY_SHA256, presignUrl, signRequest, uriEncode } from '@/utils/store/sigv4';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const now = new Date('2013-05-24T00:00:00Z');

describe('SigV4 for S3', () => {
  it('matches the AWS S3 documentation vector (GET object with Range)', async () => {
    const h = await signRequest({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { Range: 'bytes=0-9' },
      payloadHash: EMPTY_SHA256,
      credentials,
      region: 'us-east-1',
      now,
    });
    expect(h.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(h['x-amz-date']).toBe('20130524T000000Z');
  });

  it('matches botocore for a part upload with an encoded key, a query and lock headers', async () => {
    // python3 botocore 1.43 S3SigV4Auth, clock fixed at 2013-05-24T00:00:00Z (see the commit adding this test).
    const h = await signRequest({
      method: 'PUT',
      url: new URL('http://127.0.0.1:7480/evidence/case%201/p%C3%A9.zip?uploadId=a%2Bb&partNumber=2'),
      headers: { 'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==', 'x-amz-object-lock-mode': 'COMPLIANCE' },
      payloadHash: EMPTY_SHA256,
      credentials,
      region: 'us-east-1',
      now,
    });
    expect(h.authorization).toContain(
      'SignedHeaders=content-md5;host;x-amz-content-sha256;x-amz-date;x-amz-object-lock-mode, ' +
        'Signature=f1ced3b391b4e5d6000217170413eb9d2eaad9c4350ffeeee332f55fc6832a42',
    );
  });

  it('changes the signature when a signed lock header changes', async () => {
    const base = {
      method: 'PUT',
      url: new URL('http://127.0.0.1:7480/b/k'),
      payloadHash: EMPTY_SHA256,
      credentials,
      region: 'us-east-1',
      now,
    };
    const a = await signRequest({
      ...base,
      headers: { 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z' },
    });
    const b = await signRequest({
      ...base,
      headers: { 'x-amz-object-lock-retain-until-date': '2030-01-02T00:00:00Z' },
    });
    expect(a.authorization).not.toBe(b.authorization);
  });

  it('encodes as RFC 3986 and formats the date as SigV4 wants', () => {
    expect(uriEncode('a b+c/é~', false)).toBe('a%20b%2Bc%2F%C3%A9~');
    expect(uriEncode('x/y z', true)).toBe('x/y%20z');
    expect(amzDate(new Date('2015-08-30T12:36:00.123Z'))).toBe('20150830T123600Z');
  });

  it('matches the AWS S3 documentation vector for a presigned GET (the team view’s download)', async () => {
    const url = await presignUrl({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      credentials,
      region: 'us-east-1',
      expiresSeconds: 86400,
      now,
    });
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });
});
