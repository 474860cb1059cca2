import { describe, expect, test } from 'vitest';
import { PAGE_COPY_CSP, pageCopyArtifact, sandboxedSrcdoc } from '@/components/capture/page-copy';
import { parseRoute } from '@/components/common/route';

describe('sandboxedSrcdoc', () => {
  test('the policy comes before anything of the page, after its doctype', () => {
    const out = sandboxedSrcdoc(
      '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src *"><base href="https://evil.example/"></head><body><img src="https://tracker.example/p.gif"></body></html>',
    );
    expect(out.startsWith('<!DOCTYPE html><meta http-equiv="Content-Security-Policy"')).toBe(true);
    expect(out.indexOf(PAGE_COPY_CSP)).toBeLessThan(out.indexOf('default-src *'));
    expect(out.indexOf('<base target="_blank">')).toBeLessThan(out.indexOf('evil.example'));
    expect(PAGE_COPY_CSP).toContain("default-src 'none'");
    expect(PAGE_COPY_CSP).not.toMatch(/https?:|\*/);
  });

  test('a page without a doctype stays without one (same rendering mode); a BOM is handled', () => {
    expect(sandboxedSrcdoc('<p>hi')).toMatch(
      /^<meta http-equiv="Content-Security-Policy"[^>]*><meta name="referrer"[^>]*><base target="_blank"><p>hi$/,
    );
    expect(sandboxedSrcdoc('\uFEFF  <!doctype html><p>x').startsWith('<!doctype html><meta')).toBe(true);
  });

  test('the self-contained page.html is preferred over dom.html', () => {
    expect(pageCopyArtifact([{ path: 'dom.html' }, { path: 'page.html' }])?.path).toBe('page.html');
    expect(pageCopyArtifact([{ path: 'dom.html' }])?.path).toBe('dom.html');
    expect(pageCopyArtifact([{ path: 'text.txt' }])).toBeUndefined();
  });
});

test('parseRoute', () => {
  expect(parseRoute('')).toEqual({ view: 'case', caseId: null });
  expect(parseRoute('#/case/a%2Fb')).toEqual({ view: 'case', caseId: 'a/b' });
  expect(parseRoute('#/capture/x')).toEqual({ view: 'capture', captureId: 'x' });
  expect(parseRoute('#/settings')).toEqual({ view: 'settings' });
  expect(parseRoute('#/verify')).toEqual({ view: 'verify' });
  expect(parseRoute('#/team')).toEqual({ view: 'team' });
  expect(parseRoute('#/capture/%E0%A4%A')).toEqual({ view: 'case', caseId: null });
});
