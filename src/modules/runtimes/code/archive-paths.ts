/** Folders never taken from an archive: installed packages, bytecode caches, version control. */
const IGNORED_FOLDERS = new Set(['node_modules', '__pycache__', '.git']);
const MAX_PATH_LENGTH = 1024;

export type EntryPath = { path: string } | { ignored: true } | { refused: string };

/**
 * The archive-relative path of an entry (`a/b.js`), or why it is refused. Backslashes
 * count as separators (archives made on Windows); `./` and empty segments are dropped;
 * absolute paths, drive letters, `..` and control characters are refused, so no entry
 * can point outside the folder it is unpacked into.
 */
export function entryPath(raw: string): EntryPath {
  const name = raw.replace(/\\/g, '/');
  if (name.length > MAX_PATH_LENGTH) return { refused: `the entry name ${JSON.stringify(name.slice(0, 80))}… is longer than ${MAX_PATH_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return { refused: `the entry name ${JSON.stringify(name)} contains control characters` };
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return { refused: `the entry ${JSON.stringify(name)} has an absolute path` };
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { refused: `the entry ${JSON.stringify(name)} climbs out of the archive with ".."` };
  if (segments.some((segment) => IGNORED_FOLDERS.has(segment))) return { ignored: true };
  if (segments.length === 0) return { ignored: true };
  return { path: segments.join('/') };
}
