import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { zipSync } from 'fflate';
import { usageError } from './exit-codes.js';
import { MANIFEST_FILES } from './manifest.js';

/** Never deployed: installed or generated trees, version control, and dotfiles (editor files, .env). */
const EXCLUDED_DIRECTORIES = new Set(['node_modules', '.git', '__pycache__']);

const SOURCE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.py']);

/** Files about the folder rather than code it runs: they do not stop a lone source file from being sent as is. */
const DESCRIPTIVE_FILES = new Set([...MANIFEST_FILES, 'package.json', 'package-lock.json', 'requirements.txt', 'tsconfig.json']);

/** Whether a path (relative to the folder, `/`-separated) is left out of deploys, and of `dev`'s watching. */
export function isExcluded(path: string): boolean {
  return path.split(/[\\/]/).some((part) => EXCLUDED_DIRECTORIES.has(part) || (part.startsWith('.') && part !== '.' && part !== '..'));
}

/** Every file to deploy, relative to `dir` with `/` separators, sorted. */
export function listFunctionFiles(dir: string): string[] {
  const files: string[] = [];
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      const rel = relative(dir, full).split(sep).join('/');
      if (isExcluded(rel)) continue;
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() || (entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile())) files.push(rel);
    }
  };
  visit(dir);
  return files.sort();
}

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.has(extname(path));
}

function isDescriptive(path: string): boolean {
  return DESCRIPTIVE_FILES.has(path) || /^(readme|license|changelog)(\.[a-z]+)?$/i.test(path);
}

export interface PackagedCode {
  codeFormat: 'source' | 'zip';
  /** base64 */
  code: string;
  files: string[];
  bytes: number;
}

/**
 * The code of a function folder as the registration document carries it: one source file
 * (with nothing else but descriptive files beside it) as is, anything else as a zip of the folder.
 */
export function packageCode(dir: string): PackagedCode {
  const files = listFunctionFiles(dir);
  const content = files.filter((file) => !isDescriptive(file));
  const sources = content.filter(isSourceFile);
  if (sources.length === 0) throw usageError(`No source file (${[...SOURCE_EXTENSIONS].join(', ')}) in ${dir}`);
  if (content.length === 1) {
    const data = readFileSync(join(dir, content[0]!));
    return { codeFormat: 'source', code: data.toString('base64'), files: content, bytes: data.length };
  }
  const entries: Record<string, Uint8Array> = {};
  for (const file of files) entries[file] = readFileSync(join(dir, file));
  // A fixed modification time: the same folder gives the same archive (and code hash) every time.
  const zip = zipSync(entries, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
  return { codeFormat: 'zip', code: Buffer.from(zip).toString('base64'), files, bytes: zip.length };
}

/** The language of a folder's code, when the manifest does not say. */
export function inferLanguage(dir: string, runtime: string | undefined, handler: string | undefined): 'javascript' | 'typescript' | 'python' {
  if (runtime && /^python/i.test(runtime)) return 'python';
  const sources = listFunctionFiles(dir).filter(isSourceFile);
  const moduleName = handler?.slice(0, handler.lastIndexOf('.'));
  const entry = sources.find((file) => moduleName && file.slice(0, -extname(file).length) === moduleName) ?? (sources.length === 1 ? sources[0] : undefined);
  const byExtension = (file: string) => (file.endsWith('.py') ? 'python' : /\.[mc]?ts$/.test(file) ? 'typescript' : 'javascript');
  if (entry) return byExtension(entry);
  if (sources.some((file) => file.endsWith('.py')) && !sources.some((file) => !file.endsWith('.py'))) return 'python';
  return sources.some((file) => /\.[mc]?ts$/.test(file)) ? 'typescript' : 'javascript';
}

/** `requirements.txt` as the registration's dependencies: `name[extras] specifier` lines only. */
export function parseRequirements(text: string): Record<string, string> {
  const dependencies: Record<string, string> = {};
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9,._ -]+\])?)\s*((?:[<>=!~]=?|===)[^;]*)?$/.exec(line);
    if (!match) {
      throw usageError(`requirements.txt:${index + 1}: only \`name\` or \`name<specifier>\` lines are supported (no options, URLs, paths or markers): ${line}`);
    }
    dependencies[match[1]!.replace(/\s+/g, '')] = (match[2] ?? '').replace(/\s+/g, '');
  }
  return dependencies;
}
