import { EVENT_FORMATS } from '@/modules/executor/execution.types.js';
import semver from 'semver';
import { z } from 'zod';
import type { LimitsConfig, SchedulesConfig } from '@/kernel/config/app-config.js';
import { hasControlCharacters, isUnsafeKey } from '@/kernel/validation/safe-keys.js';
import { SUBJECT_PATTERN, SUBJECT_RULE } from '@/kernel/identity/subject.js';
import { LANGUAGES } from '@/modules/runtimes/runtime-catalog.js';
import { CODE_FORMATS } from '@/modules/runtimes/code/code-format.js';
import { HANDLER_PATTERN, HANDLER_RULE, MAX_HANDLER_LENGTH } from '@/modules/runtimes/code/entry-point.js';
import { parseAllowEntry } from '@/modules/egress/allow-rule.js';
import { MAX_ALLOW_ENTRIES } from '@/modules/egress/network-config.js';
import {
  ENV_NAME_PATTERN,
  FUNCTION_NAME_PATTERN,
  FUNCTION_NAME_RULE,
  MAX_ATTEMPTS,
  MAX_CONCURRENCY,
  MAX_DEPENDENCIES,
  MAX_DESCRIPTION_LENGTH,
  MAX_ENV_TOTAL_BYTES,
  MAX_ENV_VALUE_BYTES,
  MAX_ENV_VARS,
  MAX_EVENT_AGE_SECONDS,
  MAX_PRINCIPALS,
  MAX_RETRY_BACKOFF_SECONDS,
  MIN_EVENT_AGE_SECONDS,
  MAX_TAGS,
  ROLES,
  TAG_PATTERN,
} from './function-rules.js';
import { schedulesSchema } from './schedules.validation.js';
import { contractDocumentSchema } from '@/modules/contracts/contract-document.validation.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NPM_PACKAGE = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]{0,213}$/;
const PYPI_PACKAGE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?(?:\[[A-Za-z0-9,._ -]+\])?$/;
const PEP440_SPECIFIER = /^\s*(?:(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*)(?:,\s*(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*)*$/;
const NPM_DIST_TAG = /^[a-z][a-z0-9._-]{0,49}$/;

const plainText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((text) => !hasControlCharacters(text), 'must not contain control characters');

const principal = z.string().regex(SUBJECT_PATTERN, `must be a user id: ${SUBJECT_RULE}`);

/** A JSON object whose keys are checked before anything else looks at them. */
const safeRecord = <V extends z.ZodType>(value: V) =>
  z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (isUnsafeKey(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'operator and prototype keys are rejected' });
    }
  });

/**
 * Base64 within the size cap, decoded: one source file, or an archive (whose encoded
 * size is what the cap bounds; what it unpacks to is bounded when it is read).
 */
const base64Code = (maxBytes: number) =>
  z.string().transform((text, ctx) => {
    const compact = text.replace(/\s+/g, '');
    if (compact === '' || !BASE64.test(compact)) {
      ctx.addIssue({ code: 'custom', message: 'must be base64-encoded source code (or an archive, with codeFormat)' });
      return z.NEVER;
    }
    const bytes = Buffer.from(compact, 'base64');
    if (bytes.length > maxBytes) {
      ctx.addIssue({ code: 'custom', message: `decodes to ${bytes.length} bytes; the limit is ${maxBytes}` });
      return z.NEVER;
    }
    return bytes;
  });

/** `source` (default), `zip`, `tar` or `tgz`, in any case (GraphQL sends the enum's values). */
const codeFormatSchema = z
  .string()
  .transform((format) => format.toLowerCase())
  .pipe(z.enum(CODE_FORMATS, { message: `must be one of ${CODE_FORMATS.join(', ')}` }));

const handlerSchema = z.string().max(MAX_HANDLER_LENGTH, `must be at most ${MAX_HANDLER_LENGTH} characters`).regex(HANDLER_PATTERN, `must be ${HANDLER_RULE}`);

/** One source file must be UTF-8 text; an archive is bytes. */
function checkSourceText(code: Buffer | undefined, format: string | undefined, ctx: z.RefinementCtx): void {
  if (code === undefined || (format ?? 'source') !== 'source') return;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(code);
  } catch {
    ctx.addIssue({ code: 'custom', path: ['code'], message: 'must decode to UTF-8 text (an archive needs codeFormat zip, tar or tgz)' });
  }
}

export const functionNameSchema = z.string().regex(FUNCTION_NAME_PATTERN, `must be ${FUNCTION_NAME_RULE}`);

export const semverString = z
  .string()
  .max(64)
  .refine((v) => semver.valid(v) === v, 'must be a semantic version such as 1.2.3');

const envValue = z.string().refine((v) => Buffer.byteLength(v) <= MAX_ENV_VALUE_BYTES, `values must be at most ${MAX_ENV_VALUE_BYTES} bytes`);

/** A variable is a plain string, or `{ "value": "...", "secret": true }` for one the API never returns. */
const envEntry = z
  .union([envValue, z.strictObject({ value: envValue, secret: z.boolean().optional() })])
  .transform((entry) => (typeof entry === 'string' ? { value: entry, secret: false } : { value: entry.value, secret: entry.secret ?? false }));

export type EnvironmentEntry = z.output<typeof envEntry>;

function environmentSchema() {
  return safeRecord(envEntry).superRefine((env, ctx) => {
    const names = Object.keys(env);
    if (names.length > MAX_ENV_VARS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_ENV_VARS} variables` });
    for (const name of names) {
      if (!ENV_NAME_PATTERN.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'variable names are letters, digits and "_", not starting with a digit' });
      }
    }
    // Refinements run even when an entry failed its own check (then it is not yet `{ value }`).
    const total = names.reduce((sum, name) => sum + name.length + valueBytes(env[name]), 0);
    if (total > MAX_ENV_TOTAL_BYTES) ctx.addIssue({ code: 'custom', message: `variables total more than ${MAX_ENV_TOTAL_BYTES} bytes` });
  });
}

function valueBytes(entry: unknown): number {
  const value = typeof entry === 'string' ? entry : (entry as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? Buffer.byteLength(value) : 0;
}

const dependenciesSchema = safeRecord(plainText(200)).refine((deps) => Object.keys(deps).length <= MAX_DEPENDENCIES, {
  message: `at most ${MAX_DEPENDENCIES} dependencies`,
});

const retrySchema = z.strictObject({
  attempts: z.number().int('must be a whole number').min(1, 'must be at least 1 (no retry)').max(MAX_ATTEMPTS, `must be at most ${MAX_ATTEMPTS}`).optional(),
  backoffSeconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(0, 'must be at least 0 seconds')
    .max(MAX_RETRY_BACKOFF_SECONDS, `must be at most ${MAX_RETRY_BACKOFF_SECONDS} seconds`)
    .optional(),
});

// null names no destination; absent keeps the previous one (or none).
const destination = z.string().regex(FUNCTION_NAME_PATTERN, `must be a function name: ${FUNCTION_NAME_RULE}`).nullable().optional();
const destinationsSchema = z.strictObject({ onSuccess: destination, onFailure: destination });

/** `executionConfig.network`: outbound network, off unless `enabled`; then only what `allow` names (README: "Network access (egress)"). */
const networkSchema = z.strictObject({
  enabled: z.boolean(),
  allow: z
    .array(
      z.string().superRefine((entry, ctx) => {
        const rule = parseAllowEntry(entry);
        if ('error' in rule) ctx.addIssue({ code: 'custom', message: `"${entry.slice(0, 100)}" ${rule.error}` });
      }),
    )
    .max(MAX_ALLOW_ENTRIES, `at most ${MAX_ALLOW_ENTRIES} entries`)
    .optional(),
});

function executionConfigSchema(limits: LimitsConfig) {
  return z
    .strictObject({
      timeout: z
        .number()
        .int('must be a whole number of seconds')
        .min(1, 'must be at least 1 second')
        .max(limits.maxTimeoutSeconds, `must be at most ${limits.maxTimeoutSeconds} seconds`)
        .optional(),
      memoryLimit: z
        .number()
        .int('must be a whole number of megabytes')
        .min(limits.minMemoryMb, `must be at least ${limits.minMemoryMb} MB`)
        .max(limits.maxMemoryMb, `must be at most ${limits.maxMemoryMb} MB`)
        .optional(),
      environmentVariables: environmentSchema().optional(),
      minInstances: z
        .number()
        .int()
        .min(0, 'must be at least 0')
        .max(limits.maxInstancesPerFunction, `must be at most ${limits.maxInstancesPerFunction} (FNGRAPH_MAX_INSTANCES_PER_FUNCTION)`)
        .optional(),
      maxInstances: z
        .number()
        .int()
        .min(1, 'must be at least 1')
        .max(limits.maxInstancesPerFunction, `must be at most ${limits.maxInstancesPerFunction} (FNGRAPH_MAX_INSTANCES_PER_FUNCTION)`)
        .optional(),
      concurrency: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_CONCURRENCY, `must be at most ${MAX_CONCURRENCY}`).optional(),
      retry: retrySchema.optional(),
      maxEventAgeSeconds: z
        .number()
        .int('must be a whole number of seconds')
        .min(MIN_EVENT_AGE_SECONDS, `must be at least ${MIN_EVENT_AGE_SECONDS} seconds`)
        .max(MAX_EVENT_AGE_SECONDS, `must be at most ${MAX_EVENT_AGE_SECONDS} seconds`)
        .nullable()
        .optional(),
      destinations: destinationsSchema.optional(),
      eventFormat: z.enum(EVENT_FORMATS, { message: `must be one of ${EVENT_FORMATS.join(', ')}` }).optional(),
      network: networkSchema.optional(),
    })
    .refine((config) => config.minInstances === undefined || config.maxInstances === undefined || config.minInstances <= config.maxInstances, {
      message: 'minInstances must not exceed maxInstances',
      path: ['minInstances'],
    });
}

const permissionsSchema = z.strictObject({
  public: z.boolean().optional(),
  allowedUsers: z.array(principal).max(MAX_PRINCIPALS).optional(),
  executionRoles: z.array(z.enum(ROLES)).max(ROLES.length).optional(),
});

const metadataSchema = z.strictObject({
  // Accepted because exported documents carry them; the server sets its own.
  createdAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  author: plainText(200).optional(),
  tags: z
    .array(z.string().regex(TAG_PATTERN, 'tags are 1 to 50 letters, digits, ".", "_", ":" or "-"'))
    .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
    .refine((tags) => new Set(tags).size === tags.length, 'tags must be unique')
    .optional(),
  dependencies: dependenciesSchema.optional(),
  permissions: permissionsSchema.optional(),
});

/**
 * The registration document of the spec, exactly as users send it (REST body, GraphQL
 * input or an exported file). `id` and the timestamps are accepted and ignored.
 */
export function registrationDocumentSchema(limits: LimitsConfig, schedules: SchedulesConfig) {
  return z
    .strictObject({
      id: z.unknown().optional(),
      name: functionNameSchema,
      description: plainText(MAX_DESCRIPTION_LENGTH).optional(),
      language: z.enum(LANGUAGES, { message: `must be one of ${LANGUAGES.join(', ')}` }),
      runtime: z.string().max(32).optional(),
      code: base64Code(limits.maxCodeBytes),
      codeFormat: codeFormatSchema.optional(),
      handler: handlerSchema.optional(),
      version: semverString.optional(),
      metadata: metadataSchema.optional(),
      executionConfig: executionConfigSchema(limits).optional(),
      schedules: schedulesSchema(schedules).optional(),
      /** JSON Schemas of input, query and output (README: "Releasing safely"). */
      contract: contractDocumentSchema.optional(),
      /** Registers a version whose contract breaks the previous one's without a major version bump (audited). */
      allowBreakingChanges: z.boolean().optional(),
    })
    .superRefine((doc, ctx) => {
      checkSourceText(doc.code, doc.codeFormat, ctx);
      checkDependencySpecs(doc.language, doc.metadata?.dependencies ?? {}, ctx);
      for (const issue of selfDestinationIssues(doc.name, doc.executionConfig?.destinations)) ctx.addIssue({ code: 'custom', ...issue });
      const eventFormat = doc.executionConfig?.eventFormat;
      if (doc.language === 'python' && (eventFormat === 'web' || eventFormat === 'node-http')) {
        ctx.addIssue({ code: 'custom', path: ['executionConfig', 'eventFormat'], message: `${eventFormat} is for JavaScript and TypeScript functions` });
      }
      const concurrencyIssue = concurrencyIssueOf(doc.language, doc.executionConfig?.concurrency);
      if (concurrencyIssue) ctx.addIssue({ code: 'custom', ...concurrencyIssue });
    });
}

/** A partial document for `updateFunction`: every field optional, the name fixed. */
export function registrationPatchSchema(limits: LimitsConfig, schedules: SchedulesConfig) {
  return z
    .strictObject({
      description: plainText(MAX_DESCRIPTION_LENGTH).optional(),
      language: z.enum(LANGUAGES).optional(),
      runtime: z.string().max(32).optional(),
      code: base64Code(limits.maxCodeBytes).optional(),
      /** Only with `code`: how that code is packed (default `source`). */
      codeFormat: codeFormatSchema.optional(),
      /** Absent: the latest version's entry point. */
      handler: handlerSchema.optional(),
      version: semverString.optional(),
      metadata: metadataSchema.optional(),
      executionConfig: executionConfigSchema(limits).optional(),
      /** Replaces the whole list when present. */
      schedules: schedulesSchema(schedules).optional(),
      /** Absent: the latest version's; one without any schema removes it. */
      contract: contractDocumentSchema.optional(),
      allowBreakingChanges: z.boolean().optional(),
    })
    .superRefine((patch, ctx) => {
      checkSourceText(patch.code, patch.codeFormat, ctx);
      if (patch.codeFormat !== undefined && patch.code === undefined) {
        ctx.addIssue({ code: 'custom', path: ['codeFormat'], message: 'is only accepted with code (it says how that code is packed)' });
      }
    });
}

export type RegistrationDocument = z.output<ReturnType<typeof registrationDocumentSchema>>;
export type RegistrationPatch = z.output<ReturnType<typeof registrationPatchSchema>>;
export type ExecutionConfigDocument = NonNullable<RegistrationDocument['executionConfig']>;

/** A function's outcome is never sent back to itself: that would be a loop, not a destination. */
export function selfDestinationIssues(name: string, destinations: ExecutionConfigDocument['destinations']): Array<{ path: string[]; message: string }> {
  return (['onSuccess', 'onFailure'] as const)
    .filter((key) => destinations?.[key] === name)
    .map((key) => ({ path: ['executionConfig', 'destinations', key], message: 'must not be the function itself' }));
}

/**
 * The Python shim serves one invocation at a time (concurrency there would need threads
 * or asyncio in the shim): more than 1 is refused rather than silently ignored.
 */
export function concurrencyIssueOf(language: string, concurrency: number | undefined): { path: string[]; message: string } | null {
  if (language !== 'python' || concurrency === undefined || concurrency <= 1) return null;
  return { path: ['executionConfig', 'concurrency'], message: 'must be 1 for Python functions (their sandboxes serve one invocation at a time)' };
}

/** npm names with semver ranges or dist-tags; PyPI names with PEP 440 specifiers. */
export function checkDependencySpecs(language: string, dependencies: Record<string, string>, ctx: z.RefinementCtx): void {
  for (const [name, spec] of Object.entries(dependencies)) {
    const path = ['metadata', 'dependencies', name];
    if (language === 'python') {
      if (!PYPI_PACKAGE.test(name)) ctx.addIssue({ code: 'custom', path, message: 'is not a valid PyPI package name' });
      if (spec.trim() !== '' && spec.trim() !== '*' && !PEP440_SPECIFIER.test(spec)) {
        ctx.addIssue({ code: 'custom', path, message: 'must be a version specifier such as "==2.31.0" or ">=1.0,<2"' });
      }
    } else {
      if (!NPM_PACKAGE.test(name)) ctx.addIssue({ code: 'custom', path, message: 'is not a valid npm package name' });
      if (semver.validRange(spec) === null && !NPM_DIST_TAG.test(spec)) {
        ctx.addIssue({ code: 'custom', path, message: 'must be a semver range such as "^4.17.21" or a dist-tag such as "latest"' });
      }
    }
  }
}
