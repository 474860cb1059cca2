/**
 * The keyboard shortcut's handler (utils/platform/shortcut.ts): the capture gets the address the tab
 * showed when the key was pressed, from the tab the browser hands over, or, when a browser hands none
 * (or a tab without its address), from the focused window's active tab.
 */
import { describe, expect, test } from 'vitest';
import { onShortcut, type ShortcutDeps, type ShortcutTab } from '@/utils/platform/shortcut';

function deps(active: ShortcutTab | undefined, o: { refuse?: string } = {}) {
  const calls: string[] = [];
  const d: ShortcutDeps = {
    capture: async (id, url) => void calls.push(`capture ${id} ${url}`),
    toggleRecording: async (id) => {
      if (o.refuse) throw new Error(o.refuse);
      calls.push(`toggle ${id}`);
    },
    failed: async (m, id) => void calls.push(`failed ${id} ${m}`),
    activeTab: async () => {
      calls.push('query');
      return active;
    },
  };
  return { d, calls };
}

describe('keyboard shortcut', () => {
  test('the tab the browser hands over: its id and address, nothing queried', async () => {
    const { d, calls } = deps({ id: 9, url: 'https://other.test/' });
    await onShortcut('capture-page', { id: 3, url: 'https://a.test/ad' }, d);
    expect(calls).toEqual(['capture 3 https://a.test/ad']);
  });

  test('no tab handed over (older Firefox): the active tab and its address, read at the command', async () => {
    const { d, calls } = deps({ id: 4, url: 'https://a.test/seen' });
    await onShortcut('capture-page', undefined, d);
    expect(calls).toEqual(['query', 'capture 4 https://a.test/seen']);
  });

  test('a tab without its address: the address only from the same tab, never another', async () => {
    const same = deps({ id: 5, url: 'https://a.test/5' });
    await onShortcut('capture-page', { id: 5 }, same.d);
    expect(same.calls).toEqual(['query', 'capture 5 https://a.test/5']);
    const other = deps({ id: 6, url: 'https://a.test/6' });
    await onShortcut('capture-page', { id: 5 }, other.d);
    expect(other.calls).toEqual(['query', 'capture 5 undefined']);
  });

  test('recording toggle: the tab, a refusal on the badge; other commands ignored', async () => {
    const ok = deps(undefined);
    await onShortcut('toggle-recording', { id: 2, url: 'https://a.test/' }, ok.d);
    expect(ok.calls).toEqual(['toggle 2']);
    const refused = deps({ id: 7, url: 'https://a.test/7' }, { refuse: 'No active case' });
    await onShortcut('toggle-recording', undefined, refused.d);
    expect(refused.calls).toEqual(['query', 'failed 7 No active case']);
    const none = deps(undefined);
    await onShortcut('_execute_action', { id: 1, url: 'https://a.test/' }, none.d);
    expect(none.calls).toEqual([]);
  });
});
