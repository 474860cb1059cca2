import { useEffect, useState } from 'preact/hooks';
import { getDb, getSettings, updateSettings, type KeyRecord, type SettingsRecord } from '@/utils/db';
import { ensureSigningKey } from '@/utils/evidence/signing-key';
import { spkiDerToPem } from '@/utils/evidence/signing';
import { saveDownload } from '@/utils/package/save-download';

/** Investigator identity (written into captures and packages) and the signing key's fingerprint. */
export function SettingsPage() {
  const [settings, setSettings] = useState<SettingsRecord | null>(null);
  const [key, setKey] = useState<KeyRecord | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    void getSettings().then(setSettings);
    void ensureSigningKey(getDb()).then(setKey);
  }, []);

  if (!settings) return null;
  const field = (k: 'investigatorName' | 'investigatorUnit' | 'organization', label: string) => (
    <label>
      {label}{' '}
      <input
        name={k}
        dir="auto"
        maxLength={200}
        value={settings[k]}
        onInput={(e) => setSettings({ ...settings, [k]: e.currentTarget.value })}
      />
    </label>
  );

  return (
    <main style={{ padding: '1.5em', maxInlineSize: '50em' }}>
      <h1>Hashmark settings</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const { investigatorName, investigatorUnit, organization } = settings;
          await updateSettings({ investigatorName, investigatorUnit, organization });
          setSaved('Saved.');
        }}
      >
        <h2>Investigator</h2>
        <p>Written into every capture and package you make from now on.</p>
        {field('investigatorName', 'Name')}
        {field('investigatorUnit', 'Unit')}
        {field('organization', 'Organisation')}
        <button type="submit">Save</button> <span role="status">{saved}</span>
      </form>
      <h2>Signing key</h2>
      <p>
        Packages are signed with this browser profile's ECDSA P-384 key. Its private half never leaves the browser. Recipients compare
        this fingerprint (SHA-256 of the public key) with the one in the package.
      </p>
      <p>
        Fingerprint: <code data-testid="key-fingerprint">{key?.fingerprint ?? '…'}</code>
      </p>
      {key && (
        <button type="button" onClick={() => void saveDownload(new TextEncoder().encode(spkiDerToPem(key.spkiDer)), `hashmark-signing-key-${key.fingerprint.slice(0, 16)}.pem`, 'application/x-pem-file')}>
          Download public key (PEM)
        </button>
      )}
    </main>
  );
}
