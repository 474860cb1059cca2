/**
 * What a running harvest keeps in its job record next to its staged items, so that when the
 * worker or the browser stops mid-harvest the next start commits what was collected instead of
 * losing it (the items are evidence already taken from a page that may be gone by then). It holds
 * exactly what the commit needs and cannot read back from the staged rows: the start state's facts
 * (its bytes are staged blobs, named by the artifacts' hashes) and the report of the last stored step.
 */
import type { CaptureTrigger, PageContext, TabInfo, Timings } from '@/utils/capture/pipeline';
import type { PageSnapshot } from '@/utils/capture/page-snapshot';
import type { FetchedSection } from '@/utils/capture/fetch-log';
import type { ArtifactEntry } from '@/utils/evidence/types';
import type { ExtractedSelector } from '@/utils/selectors/extract';
import type { RegionSource } from '@/utils/selectors/region';
import type { SiteDefinition } from './definition';
import type { CompletenessReport } from './report';

/** The page as it was when the harvest started, without its bytes (staged as blobs). */
interface HarvestStart {
  /** The snapshot's facts; its DOM and text are the staged dom.html and text.txt, so left empty here. */
  snap: PageSnapshot;
  pageSelectors: ExtractedSelector[];
  context: PageContext;
  artifacts: ArtifactEntry[];
  limitations: string[];
  mediaFiles: Map<string, string>;
  fetched: FetchedSection;
  timings: Timings;
}

export interface HarvestResume {
  trigger: CaptureTrigger;
  tab: TabInfo;
  operator: { name: string; unit: string; organization: string };
  site: Pick<SiteDefinition, 'id' | 'version' | 'name' | 'verified'>;
  region: { region: string; source: RegionSource };
  start: HarvestStart;
  /** The report as of the last stored step (stop reason 'interrupted'); absent before the first step. */
  soFar?: CompletenessReport;
}
