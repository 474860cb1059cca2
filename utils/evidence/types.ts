/** Shapes shared by capture, storage, packaging and verification (evidence-package-v1.md). */

type ArtifactRole = 'original' | 'derived';

/** One file of a capture, as listed in capture.json `artifacts[]`. */
export interface ArtifactEntry {
  /** Path relative to the capture folder, e.g. `dom.html`. Never derived from page content. */
  path: string;
  mediaType: string;
  bytes: number;
  sha256: string;
  sha512: string;
  /** How the browser produced it: captureVisibleTab, dom-serialiser, innerText… */
  method: string;
  role: ArtifactRole;
  /** Paths of the artifacts a derived artifact was made from. */
  derivedFrom?: string[];
}

/** A custody event as written to data/custody/events.jsonl (one canonical JSON line). */
export interface CustodyEvent {
  seq: number;
  at: string;
  type: string;
  caseId: string;
  captureId?: string;
  actor: string;
  details: Record<string, unknown>;
  /** Lowercase hex SHA-256 of the previous line's bytes; 64 zeros for the first. */
  prev: string;
}

/** A file to place in a bag, path relative to the bag's base folder (e.g. `data/case.json`). */
export interface BagFile {
  path: string;
  bytes: Uint8Array;
}

/** The viewport screenshot's name in a capture's folder (the report's thumbnail is made from it). */
export const VIEWPORT_SCREENSHOT = 'screenshot-viewport.png';

/** A lowercase UUID (export ids, watch-scan load ids): one pattern for every reader and writer. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
