/**
 * The names a Hashmark package may hold (issue 14): only what the exporter writes, safe on every
 * system a recipient may unzip on (no traversal, no Windows device names or trailing dots, no two
 * names that become one file once extracted).
 */
import { ZIP_LIMITS } from './zip';

/** Raw name bytes: the characters the exporter writes (ASCII letters, digits, . _ - and /). */
const NAME_BYTES = /^[A-Za-z0-9._\-/]+$/;
/** Device names Windows will not create, with or without an extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)(\.|$)/i;

/** Sentence saying why a raw entry name is refused, or null. Only exporter-shaped names pass. */
export function nameProblem(name: string): string | null {
  const shown = JSON.stringify(name);
  if (name.length > ZIP_LIMITS.maxNameBytes) return `ZIP entry ${shown.slice(0, 80)}… has a name longer than 255 bytes`;
  if (!NAME_BYTES.test(name)) {
    return `ZIP entry ${shown} has a character the exporter never writes (only ASCII letters, digits, ".", "_", "-" and "/")`;
  }
  if (name.startsWith('/')) return `ZIP entry ${shown} is an absolute path`;
  for (const s of name.replace(/\/$/, '').split('/')) {
    if (s === '' || s === '.' || s === '..') {
      return `ZIP entry ${shown} has an empty, "." or ".." part (it could be written outside the folder when unzipped)`;
    }
    if (s.endsWith('.')) return `ZIP entry ${shown} has a part ending in "." (Windows drops it and renames the file)`;
    if (WINDOWS_RESERVED.test(s)) return `ZIP entry ${shown} uses the Windows device name ${JSON.stringify(s)}`;
  }
  return null;
}

/**
 * Names that would collide once extracted: the same name twice, names that differ only in letter
 * case (one overwrites the other on Windows and macOS), and a file that is also a folder.
 */
export function collisionProblems(names: string[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const other = seen.get(name.toLowerCase());
    if (other === name)
      problems.push(`The ZIP holds two entries named ${name}; unzip tools would keep only one of them.`);
    else if (other !== undefined) {
      problems.push(
        `The ZIP entries ${other} and ${name} differ only in letter case; on Windows or macOS one would overwrite the other.`,
      );
    }
    seen.set(name.toLowerCase(), name);
  }
  for (const name of names) {
    const lower = name.toLowerCase();
    // A file that is also a folder of another entry: extraction would fail or overwrite.
    if (!name.endsWith('/') && seen.has(`${lower}/`)) problems.push(`ZIP entry ${name} is both a file and a folder.`);
    const parts = lower.split('/');
    for (let k = 1; k < parts.length; k++) {
      const parent = seen.get(parts.slice(0, k).join('/'));
      if (parent !== undefined) problems.push(`ZIP entry ${parent} is a file, but ${name} is inside it.`);
    }
  }
  return problems;
}
