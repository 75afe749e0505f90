/**
 * How a registration's `code` is packed: `source` is one UTF-8 source file (the default,
 * as before bundles existed); the others are archives of a folder.
 */
export const CODE_FORMATS = ['source', 'zip', 'tar', 'tgz'] as const;
export type CodeFormat = (typeof CODE_FORMATS)[number];

export function isArchiveFormat(format: CodeFormat): format is Exclude<CodeFormat, 'source'> {
  return format !== 'source';
}
