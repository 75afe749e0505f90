import { ValidationError } from '@/kernel/errors/domain-error.js';

/** Source languages functions are written in; each runs on one or more runtimes. */
export const LANGUAGES = ['javascript', 'typescript', 'python'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Canonical runtime ids; each has one shim and one sandbox image. Newest first within a language. */
export const RUNTIME_IDS = ['nodejs24', 'nodejs22', 'nodejs20', 'python3.11'] as const;
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
  /** The interpreter's major version, for runtimes that pin one (each Node.js major is its own runtime). */
  interpreterMajor?: number;
  /**
   * Writable address space the interpreter reserves at start without filling it (not
   * memory use): limits on address space (RLIMIT_DATA) must leave room for it.
   */
  reservedAddressSpaceMb?: number;
  /** Why new functions should not use it (end of life), for runtimes kept only while installed. */
  deprecation?: string;
  /** The interpreter's arguments to run the shim in a sandbox with this memory limit. */
  args: (shimPath: string, sandbox: { memoryLimitMb: number }) => string[];
  /** Docker image built by `docker/build-runtime-images.sh`. */
  image: string;
  /** Where a function's filename points inside the sandbox (for stack traces and `require`). */
  functionFilename: string;
}

// Node sizes its heap from the machine, not from the cgroup or container it runs in
// (measured: a 4 GiB limit inside a 128 MB sandbox). Without the flag V8 lets garbage
// pile up until the kernel kills the sandbox, and sizes its young generation for a big
// machine (+6 MiB per warm sandbox). The flag costs 1-3 ms per cold start.
// Node.js 24 (V8 13) no longer derives its young generation from the old one: up to 32 MiB
// of semi-spaces, and a warm 64 MB sandbox was killed on its second call (measured). One
// semi-space MiB per 128 MB of limit is what older V8 derived itself.
// V8's background work (concurrent GC, compilation) gets one thread, not four: a sandbox
// has a CPU share of about one core, and every thread is woken twice by each freeze and
// thaw of an idle sandbox (7 threads instead of 4: measured ~2x the freeze's cost).
const nodeArgs = (shimPath: string, { memoryLimitMb }: { memoryLimitMb: number }) => [
  `--max-old-space-size=${Math.max(16, Math.floor(memoryLimitMb * 0.85))}`,
  `--max-semi-space-size=${Math.min(16, Math.max(1, Math.floor(memoryLimitMb / 128)))}`,
  '--v8-pool-size=1',
  shimPath,
];

/** One runtime per Node.js major: its own interpreter binary (process executor) and image (Docker). */
function nodeRuntime(major: 20 | 22 | 24, extra: Pick<RuntimeDefinition, 'deprecation' | 'reservedAddressSpaceMb'> = {}): RuntimeDefinition {
  return {
    id: `nodejs${major}`,
    languages: ['javascript', 'typescript'],
    aliases: [`nodejs${major}`, `node${major}`, `nodejs${major}.x`],
    shim: 'node/shim.cjs',
    interpreter: 'node',
    interpreterMajor: major,
    args: nodeArgs,
    image: `fngraph/runtime-node:${major}`,
    functionFilename: '/function/index.js',
    ...extra,
  };
}

const RUNTIMES: readonly RuntimeDefinition[] = [
  // V8 13 reserves its 512 MiB JIT code range writable (measured: no start below --data=562M).
  nodeRuntime(24, { reservedAddressSpaceMb: 512 }),
  nodeRuntime(22),
  nodeRuntime(20, { deprecation: 'Node.js 20 reached end of life on 2026-04-30: use nodejs24 (or nodejs22)' }),
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

/**
 * Spellings that name no major: the newest runtime of the language this server has
 * installed (the language's default runtime).
 */
const GENERIC_ALIASES: Record<string, Language[]> = {
  nodejs: ['javascript', 'typescript'],
  node: ['javascript', 'typescript'],
  python: ['python'],
  python3: ['python'],
};

/**
 * Maps the runtime named in a registration (or none) to the canonical runtime for the
 * language, rejecting unknown runtimes, runtimes this server has not installed, and
 * language/runtime mismatches. Without one (or with `node`, `nodejs`), the newest installed
 * runtime of the language; the newest supported one when none is installed.
 */
export function resolveRuntime(language: Language, requested: string | undefined, installed: ReadonlySet<RuntimeId>): RuntimeId {
  if (requested === undefined) return defaultRuntime(language, installed);
  const spelling = requested.toLowerCase();
  const generic = GENERIC_ALIASES[spelling];
  const runtime = generic ? undefined : RUNTIMES.find((r) => r.aliases.includes(spelling));
  if (!generic && !runtime) {
    const known = [...Object.keys(GENERIC_ALIASES), ...RUNTIMES.filter((r) => !r.deprecation || installed.has(r.id)).flatMap((r) => r.aliases)];
    throw new ValidationError(`Unknown runtime "${requested}"`, [{ field: 'runtime', message: `must be one of: ${known.join(', ')}` }]);
  }
  const languages = generic ?? runtime!.languages;
  if (!languages.includes(language)) {
    throw new ValidationError(`Runtime "${requested}" cannot run ${language}`, [
      { field: 'runtime', message: `${runtime?.id ?? requested} runs ${languages.join(' and ')}` },
    ]);
  }
  const id = runtime?.id ?? newestInstalled(language, installed);
  if (id === undefined || !installed.has(id)) {
    const available = RUNTIMES.filter((r) => installed.has(r.id) && r.languages.includes(language)).map((r) => r.id);
    throw new ValidationError(`Runtime ${id ?? requested} is not installed on this server`, [
      { field: 'runtime', message: available.length ? `installed for ${language}: ${available.join(', ')}` : `no runtime for ${language} is installed` },
    ]);
  }
  return id;
}

/** The newest installed runtime of the language, or its newest supported one when none is installed. */
export function defaultRuntime(language: Language, installed: ReadonlySet<RuntimeId>): RuntimeId {
  return newestInstalled(language, installed) ?? RUNTIMES.find((r) => r.languages.includes(language) && !r.deprecation)!.id;
}

/** Supported runtimes first (newest first), a deprecated one only when nothing else is installed. */
function newestInstalled(language: Language, installed: ReadonlySet<RuntimeId>): RuntimeId | undefined {
  const candidates = RUNTIMES.filter((r) => r.languages.includes(language) && installed.has(r.id));
  return (candidates.find((r) => !r.deprecation) ?? candidates[0])?.id;
}

/** The first lines of a version's build log on a deprecated runtime ('' otherwise): registering still works, but says so. */
export function runtimeNotice(id: RuntimeId): string {
  const deprecation = runtimeDefinition(id).deprecation;
  return deprecation ? `WARNING: runtime ${id} is deprecated. ${deprecation}` : '';
}
