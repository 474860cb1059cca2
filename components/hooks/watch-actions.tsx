import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { WatchRecord } from '@/utils/db';
import type { WatchKind } from '@/utils/watch/types';

/**
 * What the watch-list UI needs from the browser: the background owns watch-list writes (it
 * normalises, logs and re-syncs the page scan), and permissions are asked for from a click.
 * Wired by the dashboard (main.tsx); without a provider the panels are read-only.
 */
export interface WatchActions {
  add(caseId: string, kind: WatchKind, value: string): Promise<WatchRecord>;
  remove(watchId: string): Promise<void>;
  hostAccess: { granted(): Promise<boolean>; request(): Promise<boolean> };
  notifications: { granted(): Promise<boolean>; request(): Promise<boolean>; remove(): Promise<boolean> };
}

const Ctx = createContext<WatchActions | null>(null);

export function useWatchActions(): WatchActions | null {
  return useContext(Ctx);
}

export function WatchActionsProvider(props: { actions: WatchActions; children: ComponentChildren }) {
  return <Ctx.Provider value={props.actions}>{props.children}</Ctx.Provider>;
}
