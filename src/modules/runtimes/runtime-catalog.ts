import { ValidationError } from '@/common/errors/domain-error.js';
import type { Language } from '@/modules/functions/function.record.js';

/** Canonical runtime ids; each has one shim and one sandbox image. */
export const RUNTIME_IDS = ['nodejs20', 'python3.11'] as const;
export type RuntimeId = (typeof RUNTIME_IDS)[number];

interface RuntimeDefinition {
  id: RuntimeId;
  languages: readonly Language[];
  /** Spellings accepted in registrations, mapped to the canonical id. */
  aliases: readonly string[];
}

const RUNTIMES: readonly RuntimeDefinition[] = [
  { id: 'nodejs20', languages: ['javascript', 'typescript'], aliases: ['nodejs', 'node', 'nodejs20', 'node20', 'nodejs20.x'] },
  { id: 'python3.11', languages: ['python'], aliases: ['python', 'python3', 'python3.11'] },
];

const DEFAULT_RUNTIME: Record<Language, RuntimeId> = {
  javascript: 'nodejs20',
  typescript: 'nodejs20',
  python: 'python3.11',
};

/**
 * Maps the runtime named in a registration (or none) to the canonical runtime for the
 * language, rejecting unknown runtimes and language/runtime mismatches.
 */
export function resolveRuntime(language: Language, requested: string | undefined): RuntimeId {
  if (requested === undefined) return DEFAULT_RUNTIME[language];
  const runtime = RUNTIMES.find((r) => r.aliases.includes(requested.toLowerCase()));
  if (!runtime) {
    const known = RUNTIMES.flatMap((r) => r.aliases).join(', ');
    throw new ValidationError(`Unknown runtime "${requested}"`, [{ field: 'runtime', message: `must be one of: ${known}` }]);
  }
  if (!runtime.languages.includes(language)) {
    throw new ValidationError(`Runtime "${requested}" cannot run ${language}`, [
      { field: 'runtime', message: `${runtime.id} runs ${runtime.languages.join(' and ')}` },
    ]);
  }
  return runtime.id;
}
