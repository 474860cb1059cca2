import 'fake-indexeddb/auto';
import { afterEach, describe, expect, test } from 'vitest';
import { createDb, getSettings, updateSettings, validateSettingsPatch, type HashmarkDb } from '@/utils/db';

/** The one settings validator: what it accepts, what it refuses, and that updateSettings applies it. */
describe('validateSettingsPatch', () => {
  test('accepts every field the settings page and the messages write', () => {
    expect(validateSettingsPatch({})).toBeNull();
    expect(
      validateSettingsPatch({
        activeCaseId: null,
        investigatorName: 'Jeanne Martin',
        investigatorUnit: 'OCLCTIC',
        organization: '',
        tsaUrl: 'https://tsa.example/tsr',
        language: 'fr',
        defaultRegion: 'MA',
        captureDefaults: { fullPage: true, pageCopy: false, mhtml: true, media: false },
        fastScreenshots: true,
        harvestLimits: { maxItems: 2000, maxMinutes: 30 },
      }),
    ).toBeNull();
    expect(validateSettingsPatch({ harvestLimits: { maxItems: 100_000, maxMinutes: 1440 } })).toBeNull();
    expect(validateSettingsPatch({ harvestLimits: { maxItems: 1, maxMinutes: 1 } })).toBeNull();
    expect(validateSettingsPatch({ tsaUrl: '', defaultRegion: '' })).toBeNull();
  });

  test.each([
    [null, /object/],
    [{ signingKey: 'x' }, /Unknown setting: signingKey/],
    [{ investigatorName: 'x'.repeat(201) }, /investigatorName/],
    [{ investigatorUnit: 5 }, /investigatorUnit/],
    [{ tsaUrl: 'ftp://tsa.example/' }, /time-stamping/],
    [{ tsaUrl: 'https://tsa.example/ a' }, /time-stamping/],
    [{ tsaUrl: 'not a url' }, /time-stamping/],
    [{ language: 'de' }, /language/],
    [{ defaultRegion: 'ma' }, /region/],
    [{ captureDefaults: { fullPage: true } }, /capture defaults/],
    [{ captureDefaults: { fullPage: true, pageCopy: true, mhtml: true, media: 'no' } }, /capture defaults/],
    [{ fastScreenshots: 'yes' }, /Fast mode/],
    [{ activeCaseId: '' }, /active case/],
    [{ harvestLimits: { maxItems: 0, maxMinutes: 30 } }, /harvest limits/],
    [{ harvestLimits: { maxItems: 100_001, maxMinutes: 30 } }, /harvest limits/],
    [{ harvestLimits: { maxItems: 20.5, maxMinutes: 30 } }, /harvest limits/],
    [{ harvestLimits: { maxItems: 2000, maxMinutes: 1441 } }, /harvest limits/],
    [{ harvestLimits: { maxItems: 2000 } }, /harvest limits/],
    [{ harvestLimits: { maxItems: 2000, maxMinutes: 30, maxSteps: 5 } }, /harvest limits/],
    [{ harvestLimits: { maxItems: '2000', maxMinutes: 30 } }, /harvest limits/],
  ])('refuses %j', (patch, why) => {
    expect(validateSettingsPatch(patch)).toMatch(why);
  });
});

describe('updateSettings', () => {
  let db: HashmarkDb;
  afterEach(async () => {
    db.close();
    await db.delete();
  });

  test('refuses what the validator refuses, and writes nothing', async () => {
    db = createDb('settings-rules');
    await expect(updateSettings(db, { tsaUrl: 'javascript:alert(1)' })).rejects.toThrow(/time-stamping/);
    expect((await getSettings(db)).tsaUrl).toBe('');
    await updateSettings(db, { tsaUrl: 'http://127.0.0.1:3180/' });
    expect((await getSettings(db)).tsaUrl).toBe('http://127.0.0.1:3180/');
  });
});
