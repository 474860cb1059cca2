/**
 * Annotations repository (issue 5): tags and notes on captures and cases. Each action is one
 * transaction and one custody event per capture it changes.
 */
import type { HashmarkDb, NoteRecord } from './schema';
import { appendCustodyInTx, liveCaptureInTx } from './in-tx';
import { actorOf, DEFAULT_SETTINGS } from './settings';
import { normalizeTag, normalizeText, NOTE_MAX } from './text-rules';

/**
 * Adds tags to captures (bulk). One transaction; one tag.added event per capture that gained a
 * tag, naming the tags it gained. Returns how many captures changed.
 */
export async function addTags(
  db: HashmarkDb,
  input: { captureIds: string[]; tags: string[]; at: string },
): Promise<number> {
  return changeTags(db, 'add', input);
}

/** Removes tags from captures (bulk); one tag.removed event per capture that lost a tag. */
export async function removeTags(
  db: HashmarkDb,
  input: { captureIds: string[]; tags: string[]; at: string },
): Promise<number> {
  return changeTags(db, 'remove', input);
}

async function changeTags(
  db: HashmarkDb,
  mode: 'add' | 'remove',
  input: { captureIds: string[]; tags: string[]; at: string },
): Promise<number> {
  const tags = [...new Set(input.tags.map(normalizeTag))];
  if (tags.length === 0) throw new Error('Give at least one tag.');
  const ids = [...new Set(input.captureIds)];
  return db.transaction('rw', [db.captures, db.custody, db.settings, db.cases], async () => {
    let changed = 0;
    for (const id of ids) {
      const c = await liveCaptureInTx(db, id);
      const delta = mode === 'add' ? tags.filter((t) => !c.tags.includes(t)) : tags.filter((t) => c.tags.includes(t));
      if (delta.length === 0) continue;
      const next = mode === 'add' ? [...c.tags, ...delta] : c.tags.filter((t) => !delta.includes(t));
      await db.captures.update(c.id, { tags: next, revisedAt: input.at });
      await db.cases.update(c.caseId, { updatedAt: input.at });
      await appendCustodyInTx(db, {
        caseId: c.caseId,
        captureId: c.id,
        type: mode === 'add' ? 'tag.added' : 'tag.removed',
        at: input.at,
        details: { sequence: c.sequence, tags: delta },
      });
      changed++;
    }
    return changed;
  });
}

/**
 * Adds a note to a case (captureId null) or to one of its captures, and logs note.added with the
 * note's full text: the log, not the notes table, is the evidence. Notes are never edited.
 */
export async function addNote(
  db: HashmarkDb,
  input: { id: string; caseId: string; captureId: string | null; text: string; at: string },
): Promise<NoteRecord> {
  const text = normalizeText(input.text, 'A note', NOTE_MAX);
  return db.transaction('rw', [db.notes, db.captures, db.custody, db.settings, db.cases], async () => {
    const kase = await db.cases.get(input.caseId);
    if (!kase) throw new Error(`No case with id ${input.caseId}.`);
    let sequence: number | undefined;
    if (input.captureId) {
      const c = await liveCaptureInTx(db, input.captureId);
      if (c.caseId !== kase.id) throw new Error('This capture belongs to another case.');
      sequence = c.sequence;
      await db.captures.update(c.id, { revisedAt: input.at });
    }
    const settings = (await db.settings.get('profile')) ?? DEFAULT_SETTINGS;
    const note: NoteRecord = {
      id: input.id,
      caseId: kase.id,
      captureId: input.captureId,
      text,
      at: input.at,
      author: actorOf(settings),
    };
    await db.notes.add(note);
    await db.cases.update(kase.id, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: kase.id,
      ...(input.captureId ? { captureId: input.captureId } : {}),
      type: 'note.added',
      at: input.at,
      actor: note.author,
      details: { noteId: note.id, ...(sequence !== undefined ? { sequence } : {}), text },
    });
    return note;
  });
}

/** Notes of one capture, oldest first. */
export async function captureNotes(db: HashmarkDb, captureId: string): Promise<NoteRecord[]> {
  return (await db.notes.where('captureId').equals(captureId).toArray()).sort((a, b) => a.at.localeCompare(b.at));
}

/** Notes on the case itself (not on a capture), oldest first. */
export async function caseNotes(db: HashmarkDb, caseId: string): Promise<NoteRecord[]> {
  return (
    await db.notes
      .where('caseId')
      .equals(caseId)
      .filter((n) => n.captureId === null)
      .toArray()
  ).sort((a, b) => a.at.localeCompare(b.at));
}
