/* What a version's code is: its language's name, and whether it is one text file. */
import type { CodeFormat, Language } from '@/api/graphql.generated';

export const LANGUAGE_LABELS: Record<Language, string> = {
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  python: 'Python',
};

/** A source code format is text; the others are archives of a folder (not shown or edited as text). */
export function isArchive(codeFormat: CodeFormat): boolean {
  return codeFormat !== 'SOURCE';
}
