/** Site definitions are versioned data (issue 15): valid patterns, JSON-clean, chosen by URL. */
import { describe, expect, it } from 'vitest';
import { definitionFor, generic, SITE_DEFINITIONS } from '../../../utils/harvest/sites';

describe('site definitions', () => {
  it('picks a definition by host and path, else the generic one', () => {
    expect(definitionFor('https://www.facebook.com/groups/123').id).toBe('facebook');
    expect(definitionFor('https://www.facebook.com/messages/t/123').id).toBe('messenger');
    expect(definitionFor('https://web.whatsapp.com/').id).toBe('whatsapp-web');
    expect(definitionFor('https://t.me/s/somechannel').id).toBe('telegram-preview');
    expect(definitionFor('https://t.me/somechannel').id).toBe('generic');
    expect(definitionFor('https://web.telegram.org/k/#@x').id).toBe('telegram-web');
    expect(definitionFor('https://x.com/someone').id).toBe('x');
    expect(definitionFor('https://mobile.twitter.com/someone').id).toBe('x');
    expect(definitionFor('https://www.instagram.com/p/abc/').id).toBe('instagram');
    expect(definitionFor('https://www.tiktok.com/@a').id).toBe('tiktok');
    expect(definitionFor('https://notfacebook.com/').id).toBe('generic');
    expect(definitionFor('not a url').id).toBe('generic');
  });

  it("Instagram reads a profile header on its own on a profile's address only", () => {
    const ig = definitionFor('https://www.instagram.com/rahal.travels/');
    expect(ig.id).toBe('instagram');
    const profile = (path: string) => ig.profile!.paths.some((p) => new RegExp(p, 'u').test(path));
    expect(profile('/rahal.travels/')).toBe(true);
    expect(profile('/p/C3xYz/')).toBe(false);
    expect(profile('/explore/')).toBe(false);
    expect(profile('/rahal.travels/reels/')).toBe(false);
    expect(generic.profile!.paths).toEqual([]); // never on its own: a group header looks the same
  });

  it('every definition is plain JSON with a version, valid patterns, and the built-in deny words kept', () => {
    for (const d of [generic, ...SITE_DEFINITIONS]) {
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
      expect(d.version).toMatch(/^\d/);
      expect(d.verified).toBe('fixtures-only');
      const patterns = [...d.expandLabels, ...d.denyLabels, ...d.stripParams, ...d.wallLabels, ...d.unavailableLabels];
      for (const p of [...patterns, ...d.paths, ...(d.profile?.paths ?? [])]) {
        expect(() => new RegExp(p, 'iu')).not.toThrow();
      }
      const deny = d.denyLabels.map((p) => new RegExp(`^(?:${p})$`, 'iu'));
      for (const word of ['like', 'share', 'follow', 'send', 'delete']) {
        expect(
          deny.some((r) => r.test(word)),
          `${d.id} ${word}`,
        ).toBe(true);
      }
    }
  });

  it('expansion labels match See more, Voir plus, عرض المزيد, View N comments; not acting controls', () => {
    const expand = generic.expandLabels.map((p) => new RegExp(`^(?:${p})$`, 'iu'));
    const deny = generic.denyLabels.map((p) => new RegExp(`^(?:${p})$`, 'iu'));
    for (const l of [
      'see more',
      'voir plus',
      'عرض المزيد',
      'view 12 comments',
      'voir les 3 commentaires',
      'عرض 3 تعليقات',
      'view 2 replies',
      'view more comments',
      '4 replies',
    ]) {
      expect(
        expand.some((r) => r.test(l)),
        l,
      ).toBe(true);
      expect(
        deny.some((r) => r.test(l)),
        l,
      ).toBe(false);
    }
    for (const l of ['like', 'share', 'send', 'comment', 'reply', 'delete', 'follow', 'join group']) {
      expect(
        expand.some((r) => r.test(l)),
        l,
      ).toBe(false);
    }
  });
});
