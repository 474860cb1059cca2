import { useEffect, useState } from 'preact/hooks';
import { getBlob } from '@/utils/db';

/** Shows a stored image (content-addressed by SHA-256) without copying it into the page's origin. */
export function BlobImage(props: { sha256: string; mediaType: string; alt: string; class?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let u: string | null = null;
    let live = true;
    void getBlob(props.sha256).then((b) => {
      if (!b || !live) return;
      u = URL.createObjectURL(new Blob([b.data as BlobPart], { type: props.mediaType }));
      setUrl(u);
    });
    return () => {
      live = false;
      if (u) URL.revokeObjectURL(u);
    };
  }, [props.sha256, props.mediaType]);
  return url ? <img src={url} alt={props.alt} class={props.class} /> : <div class={`${props.class ?? ''} placeholder`} aria-hidden="true" />;
}
