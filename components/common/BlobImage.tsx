import { useEffect, useState } from 'preact/hooks';
import { acquireBlobUrl, releaseBlobUrl } from './blob-url';
import { useDb } from '../hooks/db';

/**
 * Shows a stored image (content-addressed by SHA-256) through a blob: URL of this page, so the
 * bytes never travel through a data: URL or leave the extension. `onLoad` lets a viewer learn
 * the natural size.
 */
export function BlobImage(props: {
  sha256: string;
  mediaType: string;
  alt: string;
  class?: string;
  style?: Record<string, string | number>;
  onLoad?: (img: HTMLImageElement) => void;
}) {
  const db = useDb();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void acquireBlobUrl(db, props.sha256, props.mediaType).then((u) => live && setUrl(u));
    return () => {
      live = false;
      setUrl(null);
      releaseBlobUrl(db, props.sha256, props.mediaType);
    };
  }, [props.sha256, props.mediaType, db]);
  return url ? (
    <img
      src={url}
      alt={props.alt}
      class={props.class}
      style={props.style}
      decoding="async"
      onLoad={(e) => props.onLoad?.(e.currentTarget)}
    />
  ) : (
    <div
      class={`${props.class ?? ''} placeholder`}
      role={props.alt ? 'img' : undefined}
      aria-label={props.alt || undefined}
      aria-hidden={props.alt ? undefined : 'true'}
    />
  );
}
