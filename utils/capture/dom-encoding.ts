/**
 * dom.html's bytes (issue 21 item 3). The serialised DOM is a JS string and is written as UTF-8,
 * but a page served as windows-1251, GBK, windows-1256 or ISO-8859-1 keeps its
 * `<meta charset=…>` in the serialisation: opened as a file, the browser would believe the meta
 * and show mojibake. A UTF-8 byte order mark overrides any meta or default in every browser
 * (the HTML encoding sniffing algorithm checks the BOM first), so it is put before the
 * serialisation, which stays byte for byte as the browser produced it (the meta is not edited:
 * it is what the page said). UTF-8 pages are written as before, without a BOM.
 */
import { utf8 } from '@/utils/evidence/hash';

const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

/** The method suffix recorded when the BOM is added (docs/evidence-package-v1.md). */
const UTF8_BOM_METHOD = '+utf8-bom';

/** True when the document's encoding, as the browser decoded it, is not UTF-8. */
function needsBom(characterSet: string | undefined): boolean {
  return !!characterSet && !/^utf-?8$/i.test(characterSet.trim());
}

/** dom.html's bytes and method: the serialisation as UTF-8, after a BOM when the page was not UTF-8. */
export function domHtmlFile(
  domHtml: string,
  method: string,
  characterSet: string | undefined,
): { bytes: Uint8Array; method: string } {
  const body = utf8(domHtml);
  if (!needsBom(characterSet)) return { bytes: body, method };
  const bytes = new Uint8Array(BOM.length + body.length);
  bytes.set(BOM, 0);
  bytes.set(body, BOM.length);
  return { bytes, method: method + UTF8_BOM_METHOD };
}
