/**
 * data/case-uco.jsonld against the published ontology (issue 19): a package exported from a real
 * (fake-indexeddb) case with captures, selectors, a deletion and an RFC 3161 token is read with
 * `jsonld` (no document loader: the context is inline) and validated with `rdf-validate-shacl`
 * against the UCO 1.4.0 and CASE 1.4.0 shapes vendored in tests/fixtures/case-uco/. Zero
 * violations, and the two UCO SPARQL constraints on the graph's nodes, which rdf-validate-shacl
 * cannot run, are checked here by hand.
 */
import 'fake-indexeddb/auto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import jsonld from 'jsonld';
import { DataFactory, Parser, Store, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { describe, expect, test } from 'vitest';
import { deleteCapture, logCustody, type CaptureRecord, type HashmarkDb, type KeyRecord } from '@/utils/db';
import { digestBoth, utf8 } from '@/utils/evidence/hash';
import { signDer } from '@/utils/evidence/signing';
import { TAGGED_FILES } from '@/utils/package/layout';
import { beginExport, buildCasePackage } from '@/utils/services/export-job';
import { verifyPackage } from '@/utils/package/verify';
import {
  caseUcoCapture,
  caseUcoCaptureBytes,
  caseUcoFixedBytes,
  caseUcoJsonld,
  caseUcoMessage,
  uuidV5,
  type CaseUcoFacts,
} from '@/utils/package/case-uco';
import { at, EXPORT_SOFTWARE as SOFTWARE, seedCase, storeCapture } from '../helpers/export-fixture';
import { withSigningKey } from '../helpers/signing-fixture';

const FIXTURES = join(__dirname, '../../fixtures/case-uco');
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const SUBCLASS = 'http://www.w3.org/2000/01/rdf-schema#subClassOf';
const SH = 'http://www.w3.org/ns/shacl#';
const CORE = 'https://ontology.unifiedcyberontology.org/uco/core/';
const INVESTIGATION = 'https://ontology.caseontology.org/case/investigation/';
const OBSERVABLE = 'https://ontology.unifiedcyberontology.org/uco/observable/';

/** Every Turtle file of the vendored UCO and CASE releases, parsed once. */
const ontology: Quad[] = ['uco-1.4.0', 'case-1.4.0'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.ttl'))
    .flatMap((f) => new Parser({ format: 'text/turtle' }).parse(readFileSync(join(FIXTURES, dir, f), 'utf8'))),
);

/** The JSON-LD as RDF quads; any attempt to load a remote document fails the test. */
async function toQuads(bytes: Uint8Array): Promise<Quad[]> {
  const doc = JSON.parse(new TextDecoder().decode(bytes)) as object;
  const nquads = (await jsonld.toRDF(doc, {
    format: 'application/n-quads',
    documentLoader: (url: string) => Promise.reject(new Error(`the JSON-LD tried to load ${url}`)),
  })) as unknown as string;
  return new Parser({ format: 'application/n-quads' }).parse(nquads);
}

interface Finding {
  severity: string;
  focus: string;
  path: string;
  message: string;
}

/**
 * SHACL validation as case_validate does it: the ontology is both the shapes graph and part of
 * the data graph (so that sh:class sees rdfs:subClassOf). owl:imports are answered from the
 * vendored files (nothing is fetched); the imported IRIs are returned for the caller to check.
 */
async function validate(quads: Quad[]): Promise<{ findings: Finding[]; imports: string[] }> {
  const imports: string[] = [];
  // rdf-validate-shacl has no SPARQL engine: sh:sparql constraints are left out of the shapes
  // graph (the two that concern this data, on core:UcoThing, are checked by ucoThingProblems; the
  // others concern types:Dictionary, which the graph does not use, and OWL syntax of the ontology).
  const shapes = ontology.filter((q) => q.predicate.value !== `${SH}sparql`);
  const validator = new SHACLValidator(new Store(shapes), {
    importGraph: (iri) => {
      imports.push(iri.value);
      return new Store();
    },
  });
  const report = await validator.validate(new Store([...ontology, ...quads]));
  const findings = report.results.map((r) => ({
    severity: r.severity.value.replace(SH, ''),
    focus: r.focusNode?.value ?? '',
    path: r.path?.value ?? '',
    message: r.message.map((m) => m.value).join(' '),
  }));
  return { findings, imports };
}

/** The two UCO constraints written in SPARQL (core:UcoThing): no blank node, and an IRI ending with a UUID. */
function ucoThingProblems(quads: Quad[]): string[] {
  const store = new Store([...ontology, ...quads]);
  const ucoThing = new Set<string>([`${CORE}UcoThing`]);
  for (let grew = true; grew;) {
    grew = false;
    for (const q of store.getQuads(null, DataFactory.namedNode(SUBCLASS), null, null)) {
      if (q.subject.termType === 'NamedNode' && ucoThing.has(q.object.value) && !ucoThing.has(q.subject.value)) {
        ucoThing.add(q.subject.value);
        grew = true;
      }
    }
  }
  const problems: string[] = [];
  for (const q of quads) {
    if (q.predicate.value !== RDF_TYPE || !ucoThing.has(q.object.value)) continue;
    if (q.subject.termType !== 'NamedNode') problems.push(`${q.object.value}: a blank node`);
    else if (!/[0-9a-f]{8}-[0-9a-f]{4}-[0-5][0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(q.subject.value))
      problems.push(`${q.subject.value}: does not end with a UUID`);
  }
  return problems;
}

let db: HashmarkDb;
let key: KeyRecord;
withSigningKey('case-uco', (d, k) => {
  db = d;
  key = k;
});

const NOW = new Date(at(1000));

/** A case with three captures (selectors of every kind), the second deleted, a token over the first. */
async function seededCase(): Promise<{ caseId: string; captures: CaptureRecord[] }> {
  const caseId = await seedCase(db);
  const captures = [
    await storeCapture(
      db,
      caseId,
      {
        selectors: [
          { kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'] },
          { kind: 'email', value: 'vendeur@example.org', raw: ['vendeur@example.org'] },
        ],
      },
      10,
    ),
    await storeCapture(
      db,
      caseId,
      { selectors: [{ kind: 'email', value: 'x@example.org', raw: ['x@example.org'] }] },
      20,
    ),
    await storeCapture(
      db,
      caseId,
      { selectors: [{ kind: 'phone', value: '+33612345678', raw: ['+33 6 12 34 56 78'] }] },
      30,
    ),
  ];
  await db.selectors.bulkAdd([
    {
      caseId,
      captureId: captures[2]!.id,
      kind: 'handle',
      value: 'vendeur_13',
      raw: ['@vendeur_13'],
      platform: 'telegram',
    },
    {
      caseId,
      captureId: captures[2]!.id,
      kind: 'wallet',
      value: '0x52908400098527886e0f7030069857d2e4169ee7',
      raw: ['0x52908400098527886E0F7030069857D2E4169EE7'],
      platform: 'eth',
    },
  ]);
  await deleteCapture(db, { captureId: captures[1]!.id, reason: 'Captured the wrong tab', at: at(400) });
  const token = utf8('DER TimeStampResp stand-in');
  const sha256 = (await digestBoth(token)).sha256;
  await db.blobs.put({ sha256, data: token, size: token.length });
  await logCustody(db, {
    caseId,
    captureId: captures[0]!.id,
    type: 'timestamp.obtained',
    at: at(600),
    details: { subject: 'capture.json', tokenSha256: sha256, genTime: at(599) },
  });
  return { caseId, captures };
}

/**
 * Edits a package's files and re-hashes and re-signs it with the case's own key, as an insider
 * forger would: the payload manifests are recomputed for every file under data/, then the tag
 * manifests, then the signature. Only the Hashmark checks beyond sha256sum and openssl can see it.
 */
async function resign(
  zip: Uint8Array,
  mutate: (files: Map<string, Uint8Array>, bag: string) => void,
): Promise<Uint8Array> {
  const z = await JSZip.loadAsync(zip);
  const files = new Map<string, Uint8Array>();
  for (const f of Object.values(z.files)) if (!f.dir) files.set(f.name, await f.async('uint8array'));
  const bag = [...files.keys()][0]!.split('/')[0]!;
  mutate(files, bag);
  for (const alg of ['sha256', 'sha512'] as const) {
    const name = `${bag}/manifest-${alg}.txt`;
    const listed = new TextDecoder()
      .decode(files.get(name))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(l.indexOf('  ') + 2));
    let text = '';
    for (const path of listed) text += `${(await digestBoth(files.get(`${bag}/${path}`)!))[alg]}  ${path}\n`;
    files.set(name, utf8(text));
  }
  for (const alg of ['sha256', 'sha512'] as const) {
    let text = '';
    for (const f of TAGGED_FILES) text += `${(await digestBoth(files.get(`${bag}/${f}`)!))[alg]}  ${f}\n`;
    files.set(`${bag}/tagmanifest-${alg}.txt`, utf8(text));
  }
  files.set(
    `${bag}/signature/tagmanifest-sha256.txt.sig`,
    await signDer(key.privateKey, files.get(`${bag}/tagmanifest-sha256.txt`)!),
  );
  const out = new JSZip();
  for (const [name, bytes] of files) out.file(name, bytes, { date: new Date(at(1000)), compression: 'STORE' });
  return out.generateAsync({ type: 'uint8array' });
}

/** Exports the case once under `exportId` (logged on the first call) and returns the package's files. */
async function exportFiles(
  caseId: string,
  exportId: string,
): Promise<{ files: Map<string, Uint8Array>; zip: Uint8Array }> {
  const parts = [];
  for await (const p of buildCasePackage(caseId, { db, key, now: NOW, exportId, software: SOFTWARE })) parts.push(p);
  expect(parts).toHaveLength(1);
  const zip = new Uint8Array(await parts[0]!.zip.arrayBuffer());
  const z = await JSZip.loadAsync(zip);
  const files = new Map<string, Uint8Array>();
  for (const f of Object.values(z.files))
    if (!f.dir) files.set(f.name.slice(f.name.indexOf('/') + 1), await f.async('uint8array'));
  return { files, zip };
}

describe('data/case-uco.jsonld', () => {
  test('parses offline and validates against the UCO 1.4.0 and CASE 1.4.0 shapes with zero violations', async () => {
    const { caseId, captures } = await seededCase();
    const { exportId } = await beginExport(caseId, { db, key, now: NOW });
    const { files, zip } = await exportFiles(caseId, exportId);
    const bytes = files.get('data/case-uco.jsonld');
    expect(bytes).toBeDefined();

    // Listed and hashed like any payload file: the verifier accepts it (the one failure is the
    // stand-in token, which is no RFC 3161 answer).
    const manifest = new TextDecoder().decode(files.get('manifest-sha256.txt'));
    expect(manifest).toMatch(/^[0-9a-f]{64} {2}data\/case-uco\.jsonld$/m);
    const report = await verifyPackage(zip);
    const problems = report.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^timestamps: /);
    // The verifier's own check of the graph: listed, hashed, and the exhibit numbers of case.json.
    expect(report.checks.filter((c) => c.id === 'case-uco')).toEqual([
      expect.objectContaining({
        ok: true,
        message: expect.stringContaining('its 2 exhibit number(s) match case.json'),
      }),
    ]);

    // links.csv: one row per sighting of the exported captures (2 in the first, 3 in the third).
    const links = new TextDecoder('utf-8', { ignoreBOM: true }).decode(files.get('data/links.csv'));
    expect(links.startsWith('\ufeffselector_type,')).toBe(true);
    expect(links.trimEnd().split('\r\n')).toHaveLength(1 + 5);
    expect(files.has('data/entities.csv')).toBe(true);

    const quads = await toQuads(bytes!);
    // A control that must fail, validated with the graph: a relationship without isDirectional.
    const bad = DataFactory.namedNode('urn:uuid:00000000-0000-4000-8000-0000000000ff');
    const control = [
      DataFactory.quad(
        bad,
        DataFactory.namedNode(RDF_TYPE),
        DataFactory.namedNode(`${OBSERVABLE}ObservableRelationship`),
      ),
      ...quads
        .filter((q) => q.predicate.value === `${CORE}source` || q.predicate.value === `${CORE}target`)
        .slice(0, 2)
        .map((q) => DataFactory.quad(bad, q.predicate, q.object)),
    ];
    const { findings, imports } = await validate([...quads, ...control]);
    // Nothing else, of any severity (violation, warning or info).
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'Violation', focus: bad.value, path: `${CORE}isDirectional` }),
    ]);
    expect(ucoThingProblems(quads)).toEqual([]);
    // Every owl:imports names a vendored ontology (none was fetched).
    const vendored = new Set(
      ontology
        .filter((q) => q.predicate.value === 'http://www.w3.org/2002/07/owl#versionIRI')
        .map((q) => q.object.value),
    );
    const ontologies = new Set(
      ontology
        .filter((q) => q.predicate.value === RDF_TYPE && q.object.value === 'http://www.w3.org/2002/07/owl#Ontology')
        .map((q) => q.subject.value),
    );
    // Except the Collections Ontology, which UCO's co.ttl imports (a git submodule of UCO, not
    // vendored): the graph uses none of its terms, so its absence changes no result.
    expect(imports.filter((i) => !vendored.has(i) && !ontologies.has(i))).toEqual(['http://purl.org/co']);
    expect(quads.some((q) => [q.predicate, q.object].some((t) => t.value.startsWith('http://purl.org/co/')))).toBe(
      false,
    );

    // What the graph says: one ProvenanceRecord per exported capture with its exhibit number; the
    // deleted capture's number appears only in its deletion, never reused.
    const store = new Store(quads);
    const exhibits = store
      .getQuads(null, DataFactory.namedNode(`${INVESTIGATION}exhibitNumber`), null, null)
      .map((q) => q.object.value)
      .sort();
    expect(exhibits).toEqual(['PV-2026-118-0001', 'PV-2026-118-0003']);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('exhibit PV-2026-118-0002 deleted: Captured the wrong tab');
    const actions = store.getQuads(
      null,
      DataFactory.namedNode(RDF_TYPE),
      DataFactory.namedNode(`${INVESTIGATION}InvestigativeAction`),
      null,
    );
    const custodyLines = new TextDecoder().decode(files.get('data/custody/events.jsonl')).trimEnd().split('\n');
    expect(actions).toHaveLength(custodyLines.length + 2);
    // The token is a file of the graph with the SHA-256 the log recorded; the shared phone number is one node.
    expect(text).toContain(`${captures[0]!.id}/capture.json.tsr`);
    const phones = store.getQuads(
      null,
      DataFactory.namedNode(RDF_TYPE),
      DataFactory.namedNode(`${OBSERVABLE}PhoneAccount`),
      null,
    );
    expect(phones).toHaveLength(1);
    expect(store.getQuads(null, DataFactory.namedNode(`${CORE}source`), phones[0]!.subject, null)).toHaveLength(2);
  }, 120_000);

  test('the verifier refuses a graph whose exhibit number was changed, even re-hashed and re-signed with the key', async () => {
    const { caseId } = await seededCase();
    const { exportId } = await beginExport(caseId, { db, key, now: NOW });
    const { zip } = await exportFiles(caseId, exportId);
    const forge = async (edit: (graph: string) => string): Promise<string[]> => {
      const forged = await resign(zip, (files, bag) => {
        const path = `${bag}/data/case-uco.jsonld`;
        files.set(path, utf8(edit(new TextDecoder().decode(files.get(path)))));
      });
      const r = await verifyPackage(forged);
      // The forger held the key: the signature and both manifests still verify.
      for (const id of ['signature', 'manifest-sha256', 'manifest-sha512'])
        expect(
          r.checks.filter((c) => c.id === id).every((c) => c.ok),
          id,
        ).toBe(true);
      return r.checks.filter((c) => !c.ok && c.id !== 'timestamps').map((c) => `${c.id}: ${c.message}`);
    };
    // Exhibit 0003 cited as 0009 (the description still says 0003: only the number moved).
    expect(
      await forge((g) =>
        g.replace(
          '"case-investigation:exhibitNumber":"PV-2026-118-0003"',
          '"case-investigation:exhibitNumber":"PV-2026-118-0009"',
        ),
      ),
    ).toEqual([
      'case-uco: data/case-uco.jsonld gives capture 3 the exhibit number PV-2026-118-0009; case.json implies PV-2026-118-0003.',
    ]);
    // The deleted capture's number given back to a record: an exhibit that is no capture here.
    const extra = await forge((g) =>
      g.replace(
        /^(\{"@id":"kb:[0-9a-f-]+","@type":"case-investigation:ProvenanceRecord","case-investigation:exhibitNumber":")PV-2026-118-0001(")/m,
        '$1PV-2026-118-0002$2',
      ),
    );
    expect(extra).toEqual([
      'case-uco: data/case-uco.jsonld gives capture 1 the exhibit number PV-2026-118-0002; case.json implies PV-2026-118-0001.',
    ]);
    // A prefix redefined (same length, so that Payload-Oxum holds), so that the same words name other terms.
    const ns = 'https://ontology.caseontology.org/case/investigation/';
    expect(
      await forge((g) => g.replace(`"case-investigation":"${ns}"`, `"case-investigation":"${ns.toUpperCase()}"`)),
    ).toEqual([`case-uco: data/case-uco.jsonld: its @context does not map "case-investigation" to ${ns}.`]);
  }, 120_000);

  test('a harvest: items as Messages of one MessageThread, with their authors, and still zero violations', async () => {
    const facts: CaseUcoFacts = {
      caseId: 'case-h',
      name: 'Fil',
      reference: 'PV-H',
      created: at(0),
      investigator: { name: 'Insp. Leila Benali', unit: 'OCRTEH', organization: 'Police nationale' },
      software: SOFTWARE,
      custodyLines: [],
    };
    const record = {
      id: 'cap-h',
      sequence: 1,
      startedAt: at(1),
      finishedAt: at(2),
      url: 'https://forum.example/t/1',
      title: 'Fil',
      captureJson: { sha256: 'a'.repeat(64), sha512: 'b'.repeat(128), bytes: 10 },
      artifacts: [],
    };
    const messages = [
      { seq: 0, author: { name: 'vendeur_13' }, text: 'Prix ?', time: { machine: '2026-11-20T10:00:00Z' } },
      { seq: 1, author: { name: 'ابو علي' }, text: 'السعر 50', time: { machine: 'hier' } },
      { seq: 2, author: null, text: 'Message supprimé' },
      { seq: 3, author: { name: 'vendeur_13' }, text: 'Ok', time: { machine: '2026-11-20T10:05:00+01:00' } },
    ].map(caseUcoMessage);
    const capture = caseUcoCapture(record, 'data/captures/0001-cap-h', null, [], messages);
    const bytes = caseUcoJsonld(facts, [capture]);
    const quads = await toQuads(bytes);
    expect((await validate(quads)).findings).toEqual([]);
    expect(ucoThingProblems(quads)).toEqual([]);
    const store = new Store(quads);
    const ofType = (t: string) => store.getQuads(null, DataFactory.namedNode(RDF_TYPE), DataFactory.namedNode(t), null);
    expect(ofType(`${OBSERVABLE}Message`)).toHaveLength(4);
    expect(ofType(`${OBSERVABLE}MessageThread`)).toHaveLength(1);
    // Two authors (one node each, though one wrote twice); the item without an author has no `from`.
    expect(ofType(`${OBSERVABLE}ApplicationAccount`)).toHaveLength(2);
    expect(store.getQuads(null, DataFactory.namedNode(`${OBSERVABLE}from`), null, null)).toHaveLength(3);
    expect(store.getQuads(null, DataFactory.namedNode(`${OBSERVABLE}participant`), null, null)).toHaveLength(2);
    // A time the page gave in words is not an xsd:dateTime: left out, never guessed.
    expect(store.getQuads(null, DataFactory.namedNode(`${OBSERVABLE}sentTime`), null, null)).toHaveLength(2);
    expect(new TextDecoder().decode(bytes)).toContain('"observable:messageText":"السعر 50"');
    // The planner's bound still holds with messages.
    expect(bytes.length).toBeLessThanOrEqual(caseUcoFixedBytes(facts) + caseUcoCaptureBytes(facts, capture));
  }, 60_000);

  test('the same export gives the same bytes', async () => {
    const { caseId } = await seededCase();
    const { exportId } = await beginExport(caseId, { db, key, now: NOW });
    const a = (await exportFiles(caseId, exportId)).files.get('data/case-uco.jsonld');
    const b = (await exportFiles(caseId, exportId)).files.get('data/case-uco.jsonld');
    expect(a).toBeDefined();
    expect(b).toEqual(a);
  }, 60_000);

  test("the part planner's bound holds: fixed part plus each capture's share, shared nodes counted once per capture", () => {
    const facts: CaseUcoFacts = {
      caseId: 'c',
      name: 'Réseau – مهم',
      reference: '',
      created: at(0),
      investigator: { name: 'Insp. Leila Benali', unit: 'OCRTEH', organization: 'Police nationale' },
      software: SOFTWARE,
      custodyLines: ['{"seq":1,"at":"2026-11-27T12:00:00.000Z","type":"case.created","actor":"A","details":{}}'],
    };
    const record = (i: number) => ({
      id: `cap-${i}`,
      sequence: i,
      startedAt: at(i),
      finishedAt: at(i + 1),
      url: 'https://same.example/',
      title: 'Même page',
      captureJson: { sha256: 'a'.repeat(64), sha512: 'b'.repeat(128), bytes: 10 },
      artifacts: [],
    });
    const sel = [{ kind: 'email' as const, value: 'a@b.example', raw: ['a@b.example'] }];
    const captures = [1, 2, 3].map((i) => caseUcoCapture(record(i), `data/captures/000${i}-cap-${i}`, null, sel));
    const actual = caseUcoJsonld(facts, captures).length;
    const bound = caseUcoFixedBytes(facts) + captures.reduce((s, c) => s + caseUcoCaptureBytes(facts, c), 0);
    expect(actual).toBeLessThanOrEqual(bound);
    expect(caseUcoJsonld(facts, []).length).toBeLessThanOrEqual(caseUcoFixedBytes(facts));
  });

  test('IRIs are RFC 9562 version 5 UUIDs', () => {
    // RFC 9562 appendix A.4: www.example.com in the DNS namespace.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    const u = uuidV5('capture\u0000case-1\u0000cap-1');
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV5('capture\u0000case-1\u0000cap-1')).toBe(u);
    expect(uuidV5('capture\u0000case-1\u0000cap-2')).not.toBe(u);
  });
});
