/**
 * Issue 21 item 5: the pure parts of a capture of kind `unreachable` (which failures are kept,
 * their plain words, the verifier's reading of the kind). The browsers are in
 * tests/e2e/unreachable.test.ts.
 */
import { describe, expect, test } from 'vitest';
import {
  buildUnreachableJson,
  navigationErrorFrom,
  navigationErrorMatches,
  networkErrorText,
  unreachableLimitations,
} from '@/utils/capture/unreachable';
import { readCaptureJson } from '@/utils/package/verify/captures';

const at = 1796204831639;

describe('navigation errors', () => {
  test.each([
    ['net::ERR_NAME_NOT_RESOLVED', /does not resolve/],
    ['NS_ERROR_UNKNOWN_HOST', /does not resolve/],
    ['net::ERR_CONNECTION_REFUSED', /refused the connection/],
    ['NS_ERROR_CONNECTION_REFUSED', /refused the connection/],
    ['net::ERR_CONNECTION_TIMED_OUT', /did not answer in time/],
    ['net::ERR_CERT_AUTHORITY_INVALID', /certificate/],
    ['net::ERR_SOMETHING_NEW', /the load failed/],
  ])('%s in plain words, the browser name kept', (error, words) => {
    expect(networkErrorText(error)).toMatch(words);
    expect(networkErrorText(error)).toContain(`(${error})`);
  });

  test('an abandoned load (new navigation, stop, download) is not a failure of the site', () => {
    for (const error of ['net::ERR_ABORTED', 'NS_BINDING_ABORTED'])
      expect(navigationErrorFrom({ url: 'http://a.example/', tabId: 1, error, timeStamp: at })).toBeNull();
    const kept = navigationErrorFrom({
      url: 'http://a.example/#x',
      tabId: 1,
      error: 'net::ERR_NAME_NOT_RESOLVED',
      timeStamp: at,
    });
    expect(kept).toEqual({ url: 'http://a.example/#x', error: 'net::ERR_NAME_NOT_RESOLVED', at });
    expect(navigationErrorMatches(kept, 'http://a.example/')).toBe(true);
    expect(navigationErrorMatches(kept, 'http://b.example/')).toBe(false);
  });

  test('the limitations say what is proven, and why the error or the screenshot is missing', () => {
    const e = { url: 'http://a.invalid/', error: 'net::ERR_NAME_NOT_RESOLVED', at };
    expect(unreachableLimitations(e, { screenshot: true, networkPermitted: true })).toHaveLength(2);
    const bare = unreachableLimitations(null, { screenshot: false, networkPermitted: false }).join('\n');
    expect(bare).toMatch(/No screenshot/);
    expect(bare).toMatch(/no access to this site/);
  });
});

describe('capture.json of kind "unreachable"', () => {
  const json = () =>
    buildUnreachableJson({
      captureId: 'c1',
      caseId: 'k1',
      sequence: 3,
      operator: { name: 'A', unit: 'U', organization: 'O' },
      trigger: 'popup',
      startedAt: new Date(at + 1000),
      finishedAt: new Date(at + 2000),
      tab: { url: 'http://a.invalid/', title: 'a.invalid' },
      endTab: { url: 'http://a.invalid/', title: 'a.invalid' },
      browser: { name: 'Chromium', version: '1', userAgent: 'x', platform: 'linux' },
      zoom: 1,
      software: { name: 'Hashmark', version: '0', build: 'test' },
      error: { url: 'http://a.invalid/', error: 'net::ERR_NAME_NOT_RESOLVED', at },
      artifacts: [],
      limitations: ['x'],
      timings: {},
    });

  test('names the error and when it happened; the verifier accepts it', () => {
    const j = json();
    expect(j.kind).toBe('unreachable');
    expect(j.unreachable).toMatchObject({ error: 'net::ERR_NAME_NOT_RESOLVED', failedAt: new Date(at).toISOString() });
    expect(readCaptureJson('data/captures/0003-c1', JSON.stringify(j)).problem).toBeNull();
  });

  test('the verifier refuses the kind without its section', () => {
    const { unreachable: _dropped, ...rest } = json();
    expect(readCaptureJson('data/captures/0003-c1', JSON.stringify(rest)).problem).toMatch(/unreachable section/);
  });
});
