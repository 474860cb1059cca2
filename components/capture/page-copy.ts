/**
 * The captured page's HTML, made safe to show in `<iframe sandbox="" srcdoc>`:
 * - sandbox="" (set by the caller) gives the frame an opaque origin with scripts, forms, popups
 *   and top navigation off: the captured HTML never runs in the extension's origin;
 * - a Content-Security-Policy placed BEFORE anything of the page lets it load nothing from the
 *   network (an investigator viewing a copy must not tell the site they are looking, and a
 *   copy shows what was captured, not what the site serves today): only inline styles and
 *   data: resources, which is what the self-contained page.html carries;
 * - `<base target="_blank">` first, so links (which sandbox="" then refuses to open) do not
 *   navigate the frame away from the copy; a link with its own target="_self" is stopped by the
 *   dashboard's `frame-src 'none'` (entrypoints/dashboard/index.html): measured, without it a
 *   click in the copy requested the live site.
 *
 * The doctype is kept in front so the copy renders in the same mode (standards or quirks).
 */
export const PAGE_COPY_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline' data:; font-src data:; media-src data:; form-action 'none'; base-uri 'none'";

export function sandboxedSrcdoc(html: string): string {
  const head = `<meta http-equiv="Content-Security-Policy" content="${PAGE_COPY_CSP}"><meta name="referrer" content="no-referrer"><base target="_blank">`;
  const doctype = /^\uFEFF?\s*(<!doctype[^>]*>)/i.exec(html);
  return doctype ? doctype[1] + head + html.slice(doctype[0].length) : head + html;
}

/** Which stored artifact to show as the page copy: the self-contained page.html when present, else dom.html. */
export function pageCopyArtifact<T extends { path: string }>(artifacts: readonly T[]): T | undefined {
  return artifacts.find((a) => a.path === 'page.html') ?? artifacts.find((a) => a.path === 'dom.html');
}
