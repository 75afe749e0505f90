import { z } from 'zod';
import { CONTRACT_OUTPUT_MODES, CONTRACT_PARTS, type JsonSchema, type VersionContract } from './contract.record.js';
import { schemaProblems } from './json-schema-compiler.js';

/** Keys that could replace an object's prototype when a schema is copied by assignment. */
const PROTOTYPE_KEY = '__proto__';

/** One schema of a contract: a JSON Schema 2020-12 object within the size and depth limits that compiles. */
const schemaValue = z.unknown().transform((value, ctx) => {
  const problems = [...prototypeKeyProblems(value), ...schemaProblems(value)];
  for (const message of problems) ctx.addIssue({ code: 'custom', message });
  return problems.length === 0 ? (JSON.parse(JSON.stringify(value)) as JsonSchema) : z.NEVER;
});

/**
 * The registration's `contract` (REST document and GraphQL `ContractInput` alike): schemas of the
 * input (body), query and output, and what an output that does not match does (`flag`, the
 * default, or `refuse`, in any case). A contract without any schema is none (null).
 */
export const contractDocumentSchema = z
  .strictObject({
    input: schemaValue.optional(),
    query: schemaValue.optional(),
    output: schemaValue.optional(),
    outputMode: z
      .string()
      .transform((mode) => mode.toLowerCase())
      .pipe(z.enum(CONTRACT_OUTPUT_MODES, { message: `must be one of ${CONTRACT_OUTPUT_MODES.join(', ')}` }))
      .optional(),
  })
  .transform((document): VersionContract | null => {
    const contract: VersionContract = { outputMode: document.outputMode ?? 'flag' };
    for (const part of CONTRACT_PARTS) if (document[part] !== undefined) contract[part] = document[part];
    return CONTRACT_PARTS.some((part) => contract[part] !== undefined) ? contract : null;
  });

/**
 * The input with the contract's schemas left out, for the check that refuses operator keys
 * everywhere else: JSON Schema's own keywords start with `$` (`$ref`, `$defs`), and the schemas
 * are stored as text, never as database documents. `contractDocumentSchema` checks them instead.
 */
export function withoutContractSchemas(input: unknown): unknown {
  if (!isObject(input) || !isObject(input.contract)) return input;
  const contract: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.contract)) if (!(CONTRACT_PARTS as readonly string[]).includes(key)) contract[key] = value;
  return { ...input, contract };
}

function prototypeKeyProblems(value: unknown): string[] {
  const seen: unknown[] = [value];
  while (seen.length > 0) {
    const next = seen.pop();
    if (typeof next !== 'object' || next === null) continue;
    if (Object.prototype.hasOwnProperty.call(next, PROTOTYPE_KEY)) return [`must not use the key ${PROTOTYPE_KEY}`];
    seen.push(...Object.values(next));
  }
  return [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
