/** Cases repository: creating, listing, renaming, closing and reopening cases (each change is a custody event). */
import type { CaseRecord, CaseSummary, HashmarkDb } from './schema';
import { appendCustodyInTx } from './in-tx';
import { actorOf, DEFAULT_SETTINGS } from './settings';

export async function createCase(
  db: HashmarkDb,
  input: { id: string; name: string; reference?: string; at: string },
): Promise<CaseRecord> {
  const name = input.name.trim();
  if (!name) throw new Error('A case needs a name.');
  return db.transaction('rw', [db.cases, db.custody, db.settings], async () => {
    const settings = (await db.settings.get('profile')) ?? { ...DEFAULT_SETTINGS };
    const rec: CaseRecord = {
      id: input.id,
      name,
      reference: (input.reference ?? '').trim(),
      createdAt: input.at,
      updatedAt: input.at,
      status: 'open',
      nextSequence: 1,
    };
    await db.cases.add(rec);
    await appendCustodyInTx(db, {
      caseId: rec.id,
      type: 'case.created',
      at: input.at,
      actor: actorOf(settings),
      details: { name: rec.name, reference: rec.reference },
    });
    if (!settings.activeCaseId) await db.settings.put({ ...settings, activeCaseId: rec.id });
    return rec;
  });
}

export async function listCases(db: HashmarkDb): Promise<CaseRecord[]> {
  return db.cases.orderBy('updatedAt').reverse().toArray();
}

export async function getCase(db: HashmarkDb, id: string): Promise<CaseRecord | undefined> {
  return db.cases.get(id);
}

/** Renames a case; logs case.renamed with both names. */
export async function renameCase(
  db: HashmarkDb,
  input: { caseId: string; name: string; at: string },
): Promise<CaseRecord> {
  const name = input.name.normalize('NFC').trim();
  if (!name) throw new Error('A case needs a name.');
  if ([...name].length > 200) throw new Error('A case name is at most 200 characters.');
  return db.transaction('rw', [db.cases, db.custody, db.settings], async () => {
    const c = await db.cases.get(input.caseId);
    if (!c) throw new Error(`No case with id ${input.caseId}.`);
    if (c.name === name) return c;
    const next = { ...c, name, updatedAt: input.at };
    await db.cases.put(next);
    await appendCustodyInTx(db, {
      caseId: c.id,
      type: 'case.renamed',
      at: input.at,
      details: { from: c.name, to: name },
    });
    return next;
  });
}

/** Closes (no new captures) or reopens a case; logs case.closed or case.reopened. */
export async function setCaseStatus(
  db: HashmarkDb,
  input: { caseId: string; status: CaseRecord['status']; at: string },
): Promise<CaseRecord> {
  return db.transaction('rw', [db.cases, db.custody, db.settings], async () => {
    const c = await db.cases.get(input.caseId);
    if (!c) throw new Error(`No case with id ${input.caseId}.`);
    if (c.status === input.status) return c;
    const next = { ...c, status: input.status, updatedAt: input.at };
    await db.cases.put(next);
    await appendCustodyInTx(db, {
      caseId: c.id,
      type: input.status === 'closed' ? 'case.closed' : 'case.reopened',
      at: input.at,
      details: { name: c.name },
    });
    return next;
  });
}

/**
 * Turns auto-push on or off for a case (issue 18): each capture stored in it afterwards is sealed as a
 * capture bag and pushed to the team store. Logs case.autoPush with the new state; refuses an imported case.
 */
export async function setCaseAutoPush(
  db: HashmarkDb,
  input: { caseId: string; on: boolean; at: string },
): Promise<CaseRecord> {
  return db.transaction('rw', [db.cases, db.custody, db.settings], async () => {
    const c = await db.cases.get(input.caseId);
    if (!c) throw new Error(`No case with id ${input.caseId}.`);
    if (c.imported)
      throw new Error(`“${c.name}” was imported read-only from the team store: nothing is pushed from it.`);
    if (!!c.autoPush === input.on) return c;
    const next = { ...c, autoPush: input.on, updatedAt: input.at };
    await db.cases.put(next);
    await appendCustodyInTx(db, { caseId: c.id, type: 'case.autoPush', at: input.at, details: { on: input.on } });
    return next;
  });
}

/**
 * Per case: live captures, their size and the latest one (the sidebar), from the counters the
 * capture transactions keep (case-counters.ts): one record per case, whatever the captures.
 */
export async function caseSummaries(db: HashmarkDb): Promise<Map<string, CaseSummary>> {
  const out = new Map<string, CaseSummary>();
  await db.cases.each((k) => {
    if (k.summary && k.summary.captures > 0) out.set(k.id, k.summary);
  });
  return out;
}
