import { ValidationError } from '@/kernel/errors/domain-error.js';

/** Source languages functions are written in; each runs on one or more runtimes. */
export const LANGUAGES = ['javascript', 'typescript', 'python'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Canonical runtime ids; each has one shim and one sandbox image. */
export const RUNTIME_IDS = ['nodejs20', 'python3.11'] as const;
export type RuntimeId = (typeof RUNTIME_IDS)[number];

export interface RuntimeDefinition {
  id: RuntimeId;
  languages: readonly Language[];
  /** Spellings accepted in registrations, mapped to the canonical id. */
  aliases: readonly string[];
  /** The shim, relative to the shims directory (`SHIMS_DIR` on the host). */
  shim: string;
  /** The interpreter: a host binary for the process executor, the image's for Docker. */
  interpreter: 'node' | 'python3';
  /** The interpreter's arguments to run the shim in a sandbox with this memory limit. */
  args: (shimPath: string, sandbox: { memoryLimitMb: number }) => string[];
  /** Docker image built by `docker/build-runtime-images.sh`. */
  image: string;
  /** Where a function's filename points inside the sandbox (for stack traces and `require`). */
  functionFilename: string;
}

const RUNTIMES: readonly RuntimeDefinition[] = [
  {
    id: 'nodejs20',
    languages: ['javascript', 'typescript'],
    aliases: ['nodejs', 'node', 'nodejs20', 'node20', 'nodejs20.x'],
    shim: 'node/shim.cjs',
    interpreter: 'node',
    // Node sizes its heap from the machine, not from the cgroup or container it runs in
    // (measured: a 4 GiB limit inside a 128 MB sandbox). Without the flag V8 lets garbage
    // pile up until the kernel kills the sandbox, and sizes its young generation for a big
    // machine (+6 MiB per warm sandbox). The flag costs 1-3 ms per cold start.
    args: (shimPath, { memoryLimitMb }) => [`--max-old-space-size=${Math.max(16, Math.floor(memoryLimitMb * 0.85))}`, shimPath],
    image: 'fngraph/runtime-node:20',
    functionFilename: '/function/index.js',
  },
  {
    id: 'python3.11',
    languages: ['python'],
    aliases: ['python', 'python3', 'python3.11'],
    shim: 'python/shim.py',
    // -u: unbuffered, so protocol frames and output leave at once; -I: isolated mode
    // (no user site-packages, no PYTHON* environment variables, no script directory).
    interpreter: 'python3',
    args: (shimPath) => ['-u', '-I', shimPath],
    image: 'fngraph/runtime-python:3.11',
    functionFilename: '/function/handler.py',
  },
];

export function runtimeDefinition(id: RuntimeId): RuntimeDefinition {
  const runtime = RUNTIMES.find((r) => r.id === id);
  if (!runtime) throw new Error(`Unknown runtime ${id}`);
  return runtime;
}

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
