// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { CaptureDetail } from '@/components/capture/CaptureDetail';
import { createDb, saveImportedCase, type CaptureRecord, type HashmarkDb } from '@/utils/db';
import { seedCapture, seedCase } from '../../search-seed';
import { renderWith } from '../render';

/**
 * Team store (issue 18): an imported capture has the facts of the package's captures.csv and no
 * files in this browser. Its detail shows no empty screenshot, page copy, file, notes or custody
 * section: it says where the files are (the folder in the signed package, the store version, the
 * command that gets it), and keeps what it does hold (the recorded facts, the selectors).
 */
let db: HashmarkDb;
let k = 0;
const FINGERPRINT = 'ab12cd34ef56'.padEnd(64, '0');
const TAG = 'imp-ab12cd34ef56';

beforeEach(async () => {
  db = createDb(`imported-detail-${++k}`);
  await db.open();
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

async function importOne(): Promise<CaptureRecord> {
  await saveImportedCase(db, {
    caseId: `${TAG}-case-a`,
    name: 'Réseau Marseille',
    reference: 'PV-1',
    from: {
      signer: 'A. Martin (key ab12cd34ef560000)',
      fingerprint: FINGERPRINT,
      verdict: 'passed',
      caseId: 'case-a',
      exportId: 'exp-1',
      zipSha256: 'cd'.repeat(32),
      source: {
        endpoint: 'http://127.0.0.1:7480',
        bucket: 'evidence',
        key: 'unit-a/case-a/exp-1/case-a.zip',
        versionId: 'v-42',
      },
      importedAt: '2026-12-02T10:00:00.000Z',
    },
    captures: [
      {
        id: `${TAG}-cap-7`,
        sequence: 2,
        liveSequence: 2,
        startedAt: '2026-12-01T09:00:00.000Z',
        finishedAt: '2026-12-01T09:00:05.000Z',
        url: 'https://annonces.example/t2',
        title: 'Appartement T2',
        captureJson: { sha256: 'ef'.repeat(32), sha512: '', bytes: 0 },
        artifacts: [],
        limitations: [],
        tags: [],
        status: 'stored',
        revisedAt: '2026-12-02T10:00:00.000Z',
      },
    ],
    selectors: [],
  });
  return (await db.captures.get(`${TAG}-cap-7`))!;
}

const detail = (capture: CaptureRecord) =>
  renderWith(<CaptureDetail capture={capture} tagSuggestions={[]} onDeleted={() => {}} backHref="#/" />, { db });

test('an imported capture says where its files are, with no empty file sections', async () => {
  const { container } = detail(await importOne());
  await waitFor(() => expect(container.querySelector('[data-testid=imported-files]')).toBeTruthy());
  // The folder in the package is named by the capture's own id and sequence, as the exporter wrote it.
  expect(container.querySelector('[data-testid=imported-folder]')!.textContent).toBe('data/captures/0002-cap-7/');
  expect(container.querySelector('[data-testid=imported-pull]')!.textContent).toBe(
    'npx hashmark pull --endpoint http://127.0.0.1:7480 --store s3://evidence/unit-a --case case-a --out <folder>',
  );
  const text = container.textContent ?? '';
  for (const s of [
    'v-42',
    'cd'.repeat(32),
    'ef'.repeat(32),
    'http://127.0.0.1:7480/evidence/unit-a/case-a/exp-1/case-a.zip',
  ])
    expect(text).toContain(s);
  // What it holds is shown (the recorded facts); what it does not hold has no section.
  expect(container.querySelector('#sec-meta')).toBeTruthy();
  for (const empty of ['#sec-shots', '#sec-copy', '#sec-files', '#sec-tags', '#sec-custody'])
    expect(container.querySelector(empty), empty).toBeNull();
});

test("a capture of this profile's own keeps its screenshot, page copy, file and custody sections", async () => {
  await seedCase(db, 'c1', 'Own case');
  const own = await seedCapture(db, { caseId: 'c1', url: 'https://a.example/', title: 'A', text: 'x', minute: 1 });
  const { container } = detail(own);
  await waitFor(() => expect(container.querySelector('#sec-files')).toBeTruthy());
  for (const s of ['#sec-shots', '#sec-copy', '#sec-custody']) expect(container.querySelector(s), s).toBeTruthy();
  expect(container.querySelector('[data-testid=imported-files]')).toBeNull();
});
