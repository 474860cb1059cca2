import { sha1 } from '@noble/hashes/legacy.js';
import { exhibitNumber } from '@/utils/evidence/exhibit';
import { utf8 } from '@/utils/evidence/hash';
import type { ArtifactEntry } from '@/utils/evidence/types';
import type { SelectorKind } from '@/utils/selectors/types';

/**
 * data/case-uco.jsonld (issue 19): the package described in the CASE/UCO ontology, so that
 * forensic tools that speak CASE (Autopsy, Cellebrite and Sleuthkit mappings, Plaso…) can ingest
 * the captures with their provenance. Vocabulary: CASE 1.4.0 and UCO 1.4.0, whose SHACL shapes
 * the unit tests validate every graph against (tests/fixtures/case-uco/).
 *
 * Pure and deterministic: the same facts give the same bytes (the package is byte-reproducible),
 * and every IRI is a name-based UUID (RFC 9562 version 5) derived from the case, capture and file
 * identifiers the package already carries, so the same capture has the same IRI in every export.
 * The `@context` is inline: packages are read offline and a JSON-LD reader must never fetch one.
 *
 * The graph: the investigation (case), the tool, the people named in the custody log, one
 * InvestigativeAction per custody event, and for each capture one InvestigativeAction (start and
 * end time, performer, instrument, the URL as object, the files and a ProvenanceRecord carrying
 * the exhibit number as results), its files with their hashes (RFC 3161 tokens included), and its
 * selectors as observables linked to its capture.json by ObservableRelationships.
 *
 * The document is one node per line, so that its size is a sum: a fixed part and one per capture
 * ({@link caseUcoFixedBytes}, {@link caseUcoCaptureBytes}), which the export's part planner needs.
 */

/** What the graph says about the case and its export, whatever captures a part holds. */
export interface CaseUcoFacts {
  caseId: string;
  name: string;
  reference: string;
  created: string;
  investigator: { name: string; unit: string; organization: string };
  software: { name: string; version: string; browser: string };
  /** The custody log as packaged (data/custody/events.jsonl), one JSON line each. */
  custodyLines: string[];
}

/** One file of a capture, with its path in the bag. */
interface CaseUcoFile {
  path: string;
  bytes: number;
  sha256: string;
  /** Absent for files whose SHA-512 the exporter does not hold (RFC 3161 tokens). */
  sha512?: string;
  mediaType?: string;
  description?: string;
}

/** One capture of the part. */
export interface CaseUcoCapture {
  id: string;
  sequence: number;
  startedAt: string;
  finishedAt: string;
  url: string;
  title: string;
  files: CaseUcoFile[];
  selectors: { kind: SelectorKind; value: string; raw: string[]; platform?: string }[];
  /** A harvest's items (issue 15), in page order, as `observable:Message` nodes of one `MessageThread`. */
  messages?: CaseUcoMessage[];
}

/** One harvested item as the graph describes it (items.jsonl holds the exact record). */
export interface CaseUcoMessage {
  seq: number;
  /** The author's name as the page showed it, or null. */
  author: string | null;
  text: string;
  /** The machine-readable time the page gave (`time.machine`), kept only when it is an ISO 8601 date-time. */
  sentTime: string | null;
}

/** An xsd:dateTime the SHACL shapes accept: an ISO 8601 date and time, with seconds, and a zone. */
const XSD_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A harvested item's record as the graph needs it (author name, text, machine time), from items.jsonl's fields. */
export function caseUcoMessage(item: {
  seq: number;
  author?: { name?: unknown } | null;
  text?: unknown;
  time?: { machine?: unknown } | null;
}): CaseUcoMessage {
  const name = item.author?.name;
  const machine = item.time?.machine;
  return {
    seq: item.seq,
    author: typeof name === 'string' && name.trim() !== '' ? name.trim() : null,
    text: typeof item.text === 'string' ? item.text : '',
    sentTime: typeof machine === 'string' && XSD_DATE_TIME.test(machine) ? machine : null,
  };
}

const UCO = 'https://ontology.unifiedcyberontology.org/uco/';
/**
 * Inline context: prefixes only, so that every property is spelled as the ontology names it.
 * Exported for the verifier, which reads the graph by these prefixes (verify/case-uco.ts).
 */
export const CASE_UCO_CONTEXT: Readonly<Record<string, string>> = {
  kb: 'urn:uuid:',
  'case-investigation': 'https://ontology.caseontology.org/case/investigation/',
  action: `${UCO}action/`,
  core: `${UCO}core/`,
  identity: `${UCO}identity/`,
  observable: `${UCO}observable/`,
  tool: `${UCO}tool/`,
  types: `${UCO}types/`,
  xsd: 'http://www.w3.org/2001/XMLSchema#',
};

/**
 * Namespace of Hashmark's version 5 UUIDs (fixed forever: changing it changes every IRI).
 * Documented in docs/evidence-package-v1.md.
 */
const CASE_UCO_NAMESPACE = '5b0f6c2e-9d3a-4e71-8c45-2f7a1d9e6b30';

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** RFC 9562 version 5 UUID of `name` in `namespace` (Hashmark's unless told). */
export function uuidV5(name: string, namespace = CASE_UCO_NAMESPACE): string {
  const ns = hexBytes(namespace.replace(/-/g, ''));
  const n = utf8(name);
  const input = new Uint8Array(ns.length + n.length);
  input.set(ns);
  input.set(n, ns.length);
  const h = sha1(input).slice(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The IRI (compact, `kb:`) of one node, named by what it is and the identifiers it derives from. */
const iri = (...parts: (string | number)[]): string => `kb:${uuidV5(parts.join('\u0000'))}`;
const ref = (id: string): { '@id': string } => ({ '@id': id });
const dateTime = (v: string): { '@type': string; '@value': string } => ({ '@type': 'xsd:dateTime', '@value': v });

type Node = Record<string, unknown>;

const investigationIri = (f: CaseUcoFacts): string => iri('investigation', f.caseId);
const toolIri = (f: CaseUcoFacts): string => iri('tool', f.software.name, f.software.version, f.software.browser);
const personIri = (caseId: string, name: string): string => iri('person', caseId, name);
const captureActionIri = (caseId: string, captureId: string): string => iri('capture', caseId, captureId);
const provenanceIri = (caseId: string, captureId: string): string => iri('provenance', caseId, captureId);

/** The `@id` of a capture's ProvenanceRecord (the one that carries its exhibit number), for the verifier. */
export const caseUcoProvenanceId = provenanceIri;

function hashNode(fileIri: string, method: 'SHA256' | 'SHA512', value: string): Node {
  return {
    '@id': iri('hash', fileIri, method),
    '@type': 'types:Hash',
    'types:hashMethod': method,
    'types:hashValue': { '@type': 'xsd:hexBinary', '@value': value },
  };
}

function fileNode(caseId: string, captureId: string, f: CaseUcoFile): Node {
  const id = iri('file', caseId, captureId, f.path);
  const hashes = [hashNode(id, 'SHA256', f.sha256)];
  if (f.sha512) hashes.push(hashNode(id, 'SHA512', f.sha512));
  return {
    '@id': id,
    '@type': 'observable:File',
    ...(f.description ? { 'core:description': f.description } : {}),
    'core:hasFacet': [
      {
        '@id': iri('file-facet', id),
        '@type': 'observable:FileFacet',
        'observable:fileName': f.path.slice(f.path.lastIndexOf('/') + 1),
        'observable:filePath': f.path,
        'observable:sizeInBytes': f.bytes,
      },
      {
        '@id': iri('content-data-facet', id),
        '@type': 'observable:ContentDataFacet',
        ...(f.mediaType ? { 'observable:mimeType': f.mediaType } : {}),
        'observable:sizeInBytes': f.bytes,
        'observable:hash': hashes,
      },
    ],
  };
}

/** An observable for one selector (kind and normalised value), shared by every capture it was found in. */
function selectorNode(caseId: string, s: CaseUcoCapture['selectors'][number]): Node[] {
  const id = iri('selector', caseId, s.kind, s.value);
  const facet = (type: string, props: Node): Node => ({ '@id': iri('facet', id, type), '@type': type, ...props });
  switch (s.kind) {
    case 'email':
      return [
        {
          '@id': id,
          '@type': 'observable:EmailAddress',
          'core:hasFacet': [facet('observable:EmailAddressFacet', { 'observable:addressValue': s.value })],
        },
      ];
    case 'phone':
      return [
        {
          '@id': id,
          '@type': 'observable:PhoneAccount',
          'core:hasFacet': [facet('observable:PhoneAccountFacet', { 'observable:phoneNumber': s.value })],
        },
      ];
    case 'wallet':
      return [
        {
          '@id': id,
          '@type': 'observable:DigitalAddress',
          ...(s.platform ? { 'core:description': `Cryptocurrency address (${s.platform})` } : {}),
          'core:hasFacet': [facet('observable:DigitalAddressFacet', { 'observable:addressValue': s.value })],
        },
      ];
    case 'handle': {
      const app = s.platform ? iri('application', s.platform) : null;
      const facets = [
        facet('observable:AccountFacet', { 'observable:accountIdentifier': s.value }),
        facet('observable:DigitalAccountFacet', { 'observable:accountLogin': s.value }),
      ];
      if (app) facets.push(facet('observable:ApplicationAccountFacet', { 'observable:application': ref(app) }));
      const nodes: Node[] = [{ '@id': id, '@type': 'observable:ApplicationAccount', 'core:hasFacet': facets }];
      if (app) nodes.push({ '@id': app, '@type': 'observable:Application', 'core:name': s.platform });
      return nodes;
    }
  }
}

/** The nodes of one capture, in a fixed order; shared nodes (URL, selectors) are repeated per capture. */
function captureNodes(f: CaseUcoFacts, c: CaseUcoCapture): Node[] {
  const exhibit = exhibitNumber({ id: f.caseId, reference: f.reference }, c.sequence);
  const files = c.files.map((file) => fileNode(f.caseId, c.id, file));
  const url = iri('url', f.caseId, c.url);
  const provenance = provenanceIri(f.caseId, c.id);
  const nodes: Node[] = [
    {
      '@id': captureActionIri(f.caseId, c.id),
      '@type': 'case-investigation:InvestigativeAction',
      'core:name': 'capture',
      'core:description': `Capture ${c.sequence} (capture id ${c.id}, exhibit ${exhibit}) of a web page: ${c.title}`,
      'action:startTime': dateTime(c.startedAt),
      'action:endTime': dateTime(c.finishedAt),
      'action:performer': ref(personIri(f.caseId, investigatorName(f))),
      'action:instrument': ref(toolIri(f)),
      'action:object': ref(url),
      'action:result': [
        ref(provenance),
        ...files.map((n) => ref(n['@id'] as string)),
        ...(c.messages ? [ref(threadIri(f.caseId, c.id))] : []),
      ],
    },
    {
      '@id': provenance,
      '@type': 'case-investigation:ProvenanceRecord',
      'case-investigation:exhibitNumber': exhibit,
      'core:description': `Exhibit ${exhibit}: the files of capture ${c.sequence}`,
      'core:object': files.map((n) => ref(n['@id'] as string)),
    },
    {
      '@id': url,
      '@type': 'observable:URL',
      'core:hasFacet': [
        { '@id': iri('url-facet', url), '@type': 'observable:URLFacet', 'observable:fullValue': c.url },
      ],
    },
    ...files,
    ...(c.messages ? harvestNodes(f, c, c.messages) : []),
  ];
  const captureJson = files[0]?.['@id'] as string | undefined;
  const selectors = [...c.selectors].sort((a, b) =>
    a.kind === b.kind ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.kind < b.kind ? -1 : 1,
  );
  for (const s of selectors) {
    const nodes2 = selectorNode(f.caseId, s);
    nodes.push(...nodes2);
    if (!captureJson) continue;
    nodes.push({
      '@id': iri('found-in', f.caseId, c.id, s.kind, s.value),
      '@type': 'observable:ObservableRelationship',
      'core:source': ref(nodes2[0]!['@id'] as string),
      'core:target': ref(captureJson),
      'core:kindOfRelationship': 'Contained_Within',
      'core:isDirectional': true,
      'core:description': `Found in capture ${c.sequence} (exhibit ${exhibit}) as written: ${s.raw.join(' | ')}`,
    });
  }
  return nodes;
}

const threadIri = (caseId: string, captureId: string): string => iri('thread', caseId, captureId);

/**
 * A harvest as a MessageThread whose participants are the items' authors, and each item as a
 * Message (text, author as `from`, the page's machine time as `sentTime`) contained in it. Authors
 * are ApplicationAccounts named as the page showed them, one node per name in the case. The
 * thread's own MessageThreadFacet lists only its participants: its ordered `messageThread` needs
 * the Collections Ontology (types:Thread), which the graph does not use; the order is the
 * messages' `seq` in their descriptions and in items.jsonl.
 */
function harvestNodes(f: CaseUcoFacts, c: CaseUcoCapture, messages: CaseUcoMessage[]): Node[] {
  const thread = threadIri(f.caseId, c.id);
  const authorIri = (name: string): string => iri('author', f.caseId, name);
  const authors = [...new Set(messages.flatMap((m) => (m.author === null ? [] : [m.author])))].sort();
  const nodes: Node[] = [
    {
      '@id': thread,
      '@type': 'observable:MessageThread',
      'core:description': `Harvest of capture ${c.sequence}: ${messages.length} item(s), in page order`,
      'core:hasFacet': [
        {
          '@id': iri('thread-facet', thread),
          '@type': 'observable:MessageThreadFacet',
          'observable:participant': authors.map((a) => ref(authorIri(a))),
        },
      ],
    },
    ...authors.map((a) => ({
      '@id': authorIri(a),
      '@type': 'observable:ApplicationAccount',
      'core:name': a,
      'core:hasFacet': [
        {
          '@id': iri('author-facet', f.caseId, a),
          '@type': 'observable:AccountFacet',
          'observable:accountIdentifier': a,
        },
      ],
    })),
  ];
  for (const m of messages) {
    const id = iri('message', f.caseId, c.id, m.seq);
    nodes.push(
      {
        '@id': id,
        '@type': 'observable:Message',
        'core:description': `Item ${m.seq} of the harvest of capture ${c.sequence}`,
        'core:hasFacet': [
          {
            '@id': iri('message-facet', id),
            '@type': 'observable:MessageFacet',
            'observable:messageText': m.text,
            ...(m.author === null ? {} : { 'observable:from': ref(authorIri(m.author)) }),
            ...(m.sentTime === null ? {} : { 'observable:sentTime': dateTime(m.sentTime) }),
          },
        ],
      },
      {
        '@id': iri('in-thread', id),
        '@type': 'observable:ObservableRelationship',
        'core:source': ref(id),
        'core:target': ref(thread),
        'core:kindOfRelationship': 'Contained_Within',
        'core:isDirectional': true,
      },
    );
  }
  return nodes;
}

function investigatorName(f: CaseUcoFacts): string {
  return f.investigator.name.trim() || 'not set';
}

interface LoggedEvent {
  seq: number;
  at: string;
  type: string;
  actor: string;
  captureId?: string;
  details: Record<string, unknown>;
}

function parseEvent(line: string): LoggedEvent | null {
  try {
    const v = JSON.parse(line) as Partial<LoggedEvent>;
    if (typeof v.seq !== 'number' || typeof v.at !== 'string' || typeof v.type !== 'string') return null;
    return {
      seq: v.seq,
      at: v.at,
      type: v.type,
      actor: typeof v.actor === 'string' && v.actor.trim() ? v.actor.trim() : 'not set',
      ...(typeof v.captureId === 'string' ? { captureId: v.captureId } : {}),
      details: typeof v.details === 'object' && v.details !== null ? v.details : {},
    };
  } catch {
    return null;
  }
}

/** A custody event as an action by its actor; a deletion names the exhibit number it retires. */
function custodyNode(f: CaseUcoFacts, e: LoggedEvent): Node {
  let description = `Custody event ${e.seq}: ${e.type}`;
  if (e.captureId) description += ` (capture id ${e.captureId})`;
  const seq = e.details.sequence;
  if (e.type === 'capture.deleted' && typeof seq === 'number') {
    const reason = typeof e.details.reason === 'string' ? `: ${e.details.reason}` : '';
    description += `; exhibit ${exhibitNumber({ id: f.caseId, reference: f.reference }, seq)} deleted${reason}`;
  }
  return {
    '@id': iri('custody', f.caseId, e.seq),
    '@type': 'case-investigation:InvestigativeAction',
    'core:name': e.type,
    'core:description': description,
    'action:startTime': dateTime(e.at),
    'action:performer': ref(personIri(f.caseId, e.actor)),
  };
}

/** The investigation, tool, people and custody actions; `objects` are the per-capture nodes it lists. */
function fixedNodes(f: CaseUcoFacts, objects: string[]): Node[] {
  const events = f.custodyLines.map(parseEvent).filter((e): e is LoggedEvent => e !== null);
  const custody = events.map((e) => custodyNode(f, e));
  const reference = f.reference.trim();
  const investigator = investigatorName(f);
  const people = [...new Set([investigator, ...events.map((e) => e.actor)])].sort();
  const who = [f.investigator.unit, f.investigator.organization].map((s) => s.trim()).filter(Boolean);
  return [
    {
      '@id': investigationIri(f),
      '@type': 'case-investigation:Investigation',
      'core:name': f.name,
      'core:description': `Case ${reference || f.caseId} (case id ${f.caseId})`,
      'case-investigation:investigationForm': 'case',
      'core:objectCreatedTime': dateTime(f.created),
      'core:object': [...custody.map((n) => ref(n['@id'] as string)), ...objects.map(ref)],
    },
    {
      '@id': toolIri(f),
      '@type': 'tool:Tool',
      'core:name': f.software.name,
      'tool:version': f.software.version,
      'tool:toolType': 'web evidence capture',
      'core:description': `Browser extension running in ${f.software.browser}`,
    },
    ...people.map((name) => ({
      '@id': personIri(f.caseId, name),
      '@type': 'identity:Person',
      'core:name': name,
      ...(name === investigator && who.length ? { 'core:description': who.join(', ') } : {}),
    })),
    ...custody,
  ];
}

const HEAD = `{\n"@context": ${JSON.stringify(CASE_UCO_CONTEXT)},\n"@graph": [\n`;
const TAIL = ']\n}\n';

/** UTF-8 length of one node's line, separator included. */
const lineBytes = (n: Node): number => utf8(JSON.stringify(n)).length + 2;

/** The investigation's list of a capture's nodes (its action and provenance record). */
const listedOf = (f: CaseUcoFacts, c: CaseUcoCapture): string[] => [
  captureActionIri(f.caseId, c.id),
  provenanceIri(f.caseId, c.id),
];

/**
 * data/case-uco.jsonld for these captures (the part's, in sequence order): one node per line.
 * A node shared by several captures (a URL, a selector) is written once, where it first appears.
 */
export function caseUcoJsonld(f: CaseUcoFacts, captures: CaseUcoCapture[]): Uint8Array {
  const nodes = fixedNodes(
    f,
    captures.flatMap((c) => listedOf(f, c)),
  );
  const seen = new Set<string>();
  for (const c of captures) {
    for (const n of captureNodes(f, c)) {
      const id = n['@id'] as string;
      if (seen.has(id)) continue;
      seen.add(id);
      nodes.push(n);
    }
  }
  return utf8(HEAD + nodes.map((n) => JSON.stringify(n)).join(',\n') + '\n' + TAIL);
}

/** Upper bound of the file's size without captures (the part planner's fixed cost). */
export function caseUcoFixedBytes(f: CaseUcoFacts): number {
  return utf8(HEAD + TAIL).length + 1 + fixedNodes(f, []).reduce((n, node) => n + lineBytes(node), 0);
}

/** Upper bound of what one capture adds to the file (its nodes and its entries in the investigation's list). */
export function caseUcoCaptureBytes(f: CaseUcoFacts, c: CaseUcoCapture): number {
  const listed = listedOf(f, c).reduce((n, id) => n + utf8(JSON.stringify(ref(id))).length + 1, 0);
  return listed + captureNodes(f, c).reduce((n, node) => n + lineBytes(node), 0);
}

/** A capture's record as the graph needs it: capture.json, its RFC 3161 token if any, then its artifacts. */
export function caseUcoCapture(
  c: {
    id: string;
    sequence: number;
    startedAt: string;
    finishedAt: string;
    url: string;
    title: string;
    captureJson: { sha256: string; sha512: string; bytes: number };
    artifacts: ArtifactEntry[];
  },
  folder: string,
  token: { path: string; sha256: string; bytes: number } | null,
  selectors: CaseUcoCapture['selectors'],
  messages?: CaseUcoMessage[] | null,
): CaseUcoCapture {
  const files: CaseUcoFile[] = [
    { path: `${folder}/capture.json`, ...c.captureJson, mediaType: 'application/json', description: 'capture.json' },
  ];
  if (token) {
    files.push({
      path: `${folder}/${token.path}`,
      bytes: token.bytes,
      sha256: token.sha256,
      mediaType: 'application/timestamp-reply',
      description: 'RFC 3161 timestamp token over capture.json',
    });
  }
  for (const a of c.artifacts) {
    files.push({
      path: `${folder}/${a.path}`,
      bytes: a.bytes,
      sha256: a.sha256,
      sha512: a.sha512,
      mediaType: a.mediaType,
      description: `${a.role} artifact (${a.method})`,
    });
  }
  return {
    id: c.id,
    sequence: c.sequence,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    url: c.url,
    title: c.title,
    files,
    selectors: selectors.map((s) => ({
      kind: s.kind,
      value: s.value,
      raw: s.raw,
      ...(s.platform ? { platform: s.platform } : {}),
    })),
    ...(messages ? { messages } : {}),
  };
}
