import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { getStoreConfig } from '@/utils/db';
import { validateStoreConfig, type StoreConfig } from '@/utils/store/config';
import { saveStoreSettings } from '@/utils/services/store-push';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';

// Team evidence store (issue 18): where export parts are pushed under S3 Object Lock COMPLIANCE. The
// secret key is sealed under a passphrase (typed again once per browser session: 'Unlock'), or kept
// unencrypted only when the investigator ticks the box that states the risk.

/** What the store settings need from the background (wired by the dashboard); without it, no unlock. */
export interface StoreActions {
  unlock(passphrase: string): Promise<void>;
  push(): Promise<void>;
}

const Ctx = createContext<StoreActions | null>(null);

export function StoreActionsProvider(props: { actions: StoreActions; children: ComponentChildren }) {
  return <Ctx.Provider value={props.actions}>{props.children}</Ctx.Provider>;
}

interface Draft {
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  retentionDays: string;
  pushExports: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  passphrase: string;
  plain: boolean;
}

const EMPTY: Draft = {
  endpoint: '',
  bucket: '',
  prefix: '',
  region: 'us-east-1',
  retentionDays: '3650',
  pushExports: true,
  accessKeyId: '',
  secretAccessKey: '',
  passphrase: '',
  plain: false,
};

function draftOf(c: StoreConfig): Draft {
  const { secret: _s, retentionDays, ...rest } = c;
  return { ...EMPTY, ...rest, retentionDays: String(retentionDays), plain: c.secret.kind === 'plain' };
}

export function StoreSetting(props: { requestOrigin: (origin: string) => Promise<boolean> }) {
  const tr = useI18n();
  const db = useDb();
  const actions = useContext(Ctx);
  const [d, setD] = useState<Draft>(EMPTY);
  const [sealed, setSealed] = useState(false);
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    void getStoreConfig(db).then((c) => {
      if (!c) return;
      setD(draftOf(c));
      setSealed(c.secret.kind === 'sealed');
    });
  }, [db]);
  const field = (k: keyof Draft, label: string, kind: 'text' | 'url' | 'number' | 'password' = 'text') => {
    const common = {
      name: `store-${k}`,
      dir: 'ltr' as const,
      autocomplete: 'off',
      value: d[k] as string,
      onInput: (e: Event) => setD({ ...d, [k]: (e.currentTarget as HTMLInputElement).value }),
    };
    return (
      <label>
        {label}{' '}
        {kind === 'password' ? (
          <input type="password" {...common} />
        ) : (
          <input type="text" inputMode={kind === 'number' ? 'numeric' : kind === 'url' ? 'url' : 'text'} {...common} />
        )}
      </label>
    );
  };

  function save(e: Event) {
    e.preventDefault();
    setNote(null);
    const form = {
      endpoint: d.endpoint.trim().replace(/\/+$/, ''),
      bucket: d.bucket.trim(),
      prefix: d.prefix.trim(),
      region: d.region.trim(),
      retentionDays: Number(d.retentionDays),
      pushExports: d.pushExports,
      accessKeyId: d.accessKeyId.trim(),
    };
    const problem = validateStoreConfig({ ...form, secret: { kind: 'plain', secretAccessKey: d.secretAccessKey } });
    if (problem) return setNote({ error: true, text: problem });
    if (!d.plain && [...d.passphrase].length < 8) return setNote({ error: true, text: tr.t('store.passphraseShort') });
    // Asked first, inside the click: the browser shows its prompt only there. Optional: a refusal is said.
    void props
      .requestOrigin(new URL(form.endpoint).origin)
      .catch(() => false)
      .then(async (granted) => {
        await saveStoreSettings(db, {
          ...form,
          secretAccessKey: d.secretAccessKey,
          passphrase: d.plain ? null : d.passphrase,
        });
        if (!d.plain) await actions?.unlock(d.passphrase);
        setSealed(!d.plain);
        setD({ ...d, secretAccessKey: '', passphrase: '' });
        setNote({ error: false, text: tr.t(granted ? 'store.saved' : 'store.savedNoAccess') });
      })
      .catch((err: Error) => setNote({ error: true, text: err.message }));
  }

  function unlock() {
    setNote(null);
    void actions
      ?.unlock(d.passphrase)
      .then(() => actions.push())
      .then(() => setNote({ error: false, text: tr.t('store.unlocked') }))
      .catch((err: Error) => setNote({ error: true, text: err.message }));
  }

  return (
    <form class="settings-store" onSubmit={save}>
      <h3>{tr.t('store.title')}</h3>
      <p class="hint">{tr.t('store.hint')}</p>
      {field('endpoint', tr.t('store.endpoint'), 'url')}
      {field('bucket', tr.t('store.bucket'))}
      {field('prefix', tr.t('store.prefix'))}
      {field('region', tr.t('store.region'))}
      {field('retentionDays', tr.t('store.retentionDays'), 'number')}
      <label>
        <input
          name="store-pushExports"
          type="checkbox"
          checked={d.pushExports}
          onChange={(e) => setD({ ...d, pushExports: e.currentTarget.checked })}
        />{' '}
        {tr.t('store.pushExports')}
      </label>
      {field('accessKeyId', tr.t('store.accessKeyId'))}
      {field('secretAccessKey', tr.t('store.secretAccessKey'), 'password')}
      {!d.plain && field('passphrase', tr.t('store.passphrase'), 'password')}
      <label>
        <input
          name="store-plain"
          type="checkbox"
          checked={d.plain}
          onChange={(e) => setD({ ...d, plain: e.currentTarget.checked })}
        />{' '}
        {tr.t('store.plain')}
      </label>
      {d.plain && <p class="error">{tr.t('store.plainRisk')}</p>}
      <button type="submit">{tr.t('store.save')}</button>
      {sealed && actions && (
        <button type="button" onClick={unlock}>
          {tr.t('store.unlock')}
        </button>
      )}
      {note && (
        <p class={note.error ? 'error' : 'hint'} role="status">
          {note.text}
        </p>
      )}
    </form>
  );
}
