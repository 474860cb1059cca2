/**
 * Recording mode's shared words (issue 16): the scope a recording covers and the status the popup,
 * the CLI and the messages show. Pure types and constants, so the protocol, the database and the
 * decision logic can share them without importing each other.
 */

/** The tab it was started in and the tabs opened from it, or every tab of that window. */
export type RecordingScope = 'tab' | 'window';
export const RECORDING_SCOPES: readonly RecordingScope[] = ['tab', 'window'];

/**
 * active: page views are captured; paused: kept but nothing is captured; stopped: ended by the
 * investigator (or every recording tab was closed); interrupted: its tabs were gone when the
 * extension started again (the browser was restarted), so it could not go on.
 */
export type RecordingState = 'active' | 'paused' | 'stopped' | 'interrupted';

/** What `recording.status` (and start, stop, pause) answer. */
export type RecordingStatus =
  | { state: 'off' }
  | {
      state: 'active' | 'paused';
      recordingId: string;
      caseId: string;
      scope: RecordingScope;
      windowId: number;
      tabIds: number[];
      /** Full captures (the investigator's capture settings) instead of light ones. */
      full: boolean;
      startedAt: string;
    };
