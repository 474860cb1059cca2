/**
 * The writes the dashboard's components make: tags, notes, soft delete and settings. Components
 * call these (never utils/db's write functions), so every write the interface can make is listed
 * in one place; each is one transaction and its custody events in utils/db.
 */
import {
  addNote as addNoteToDb,
  addTags,
  deleteCapture as deleteCaptureFromDb,
  refuseImported,
  removeTags,
  updateSettings,
  type HashmarkDb,
  type NoteRecord,
  type SettingsPatch,
  type SettingsRecord,
} from '@/utils/db';

/** Adds tags to captures; returns how many captures changed (tag.added per capture). */
export function tagCaptures(
  db: HashmarkDb,
  input: { captureIds: string[]; tags: string[]; at: string },
): Promise<number> {
  // Team store (issue 18): captures imported read-only are never changed (here and below).
  return refuseImported(db, { captureIds: input.captureIds }).then(() => addTags(db, input));
}

/** Removes tags from captures; returns how many captures changed (tag.removed per capture). */
export function untagCaptures(
  db: HashmarkDb,
  input: { captureIds: string[]; tags: string[]; at: string },
): Promise<number> {
  return refuseImported(db, { captureIds: input.captureIds }).then(() => removeTags(db, input));
}

/** Adds a note to a case (captureId null) or one of its captures (note.added). */
export function addNote(
  db: HashmarkDb,
  input: { id: string; caseId: string; captureId: string | null; text: string; at: string },
): Promise<NoteRecord> {
  return refuseImported(db, { caseIds: [input.caseId] }).then(() => addNoteToDb(db, input));
}

/** Soft-deletes a capture with the investigator's reason (capture.deleted). */
export function deleteCapture(db: HashmarkDb, input: { captureId: string; reason: string; at: string }): Promise<void> {
  return refuseImported(db, { captureIds: [input.captureId] }).then(() => deleteCaptureFromDb(db, input));
}

/** Saves a settings change (validated by validateSettingsPatch; refused with its sentence). */
export function saveSettings(db: HashmarkDb, patch: SettingsPatch): Promise<SettingsRecord> {
  return updateSettings(db, patch);
}
