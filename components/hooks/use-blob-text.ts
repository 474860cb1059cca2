import { useEffect, useState } from 'preact/hooks';
import { getBlob } from '@/utils/db';
import { useDb } from './db';

// Stored text artifacts (capture.json, the page copy) read for display, from the page's database.

const utf8 = new TextDecoder('utf-8');

/** The stored bytes of an artifact as text (null while loading or when missing). */
export function useBlobText(sha256: string | undefined): string | null | undefined {
  const db = useDb();
  const [text, setText] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setText(undefined);
    if (!sha256) return setText(null);
    void getBlob(db, sha256).then((b) => live && setText(b ? utf8.decode(b.data) : null));
    return () => {
      live = false;
    };
  }, [sha256, db]);
  return text;
}
