/**
 * Bounds on what an archive may unpack to, checked before anything is inflated or kept:
 * a small encoded archive (the code size limit applies to it) can still claim huge or
 * countless files.
 */
export interface ArchiveLimits {
  /** Entries of any kind (files, folders, ignored ones) the archive may list. */
  maxEntries: number;
  /** Unpacked bytes of one file. */
  maxFileBytes: number;
  /** Unpacked bytes of all files kept. */
  maxTotalBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 2000,
  maxFileBytes: 8 * 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
};
