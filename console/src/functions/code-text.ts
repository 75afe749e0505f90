import type { Language } from '@/api/graphql.generated';
import type { CodeLanguage } from '@/ui/code-editor';

/** The API carries code base64-encoded; source files are UTF-8 (btoa/atob alone would mangle non-ASCII). */
export function encodeSource(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function decodeSource(base64: string): string {
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export function editorLanguage(language: Language): CodeLanguage {
  return language;
}

export const LANGUAGE_LABELS: Record<Language, string> = {
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  python: 'Python',
};

/** A source code format is text; the others are archives of a folder. */
export function isArchive(codeFormat: string): boolean {
  return codeFormat !== 'SOURCE';
}
