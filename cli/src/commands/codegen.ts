import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FunctionContractByNameDocument, FunctionContractsDocument, type FunctionContractSummaryFragment, type FunctionContractsQuery } from '@fngraph/sdk';
import { type DeclaredSchemas, type FunctionToGenerate, clientModule } from '../codegen/client-module.js';
import type { JsonSchema } from '../codegen/json-schema-to-typescript.js';
import { pythonClientModule } from '../codegen/python-client-module.js';
import type { CommandContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';

export interface CodegenOptions {
  out?: string;
  function?: string[];
  python?: boolean;
}

const PAGE_SIZE = 100;

function schemasOf(summary: FunctionContractSummaryFragment): DeclaredSchemas | null {
  const contract = summary.latestVersion.contract;
  if (!contract) return null;
  return { input: contract.input as JsonSchema | null, query: contract.query as JsonSchema | null, output: contract.output as JsonSchema | null };
}

function toGenerate(summary: FunctionContractSummaryFragment): FunctionToGenerate {
  return { name: summary.name, description: summary.description, version: summary.latestVersion.version, contract: schemasOf(summary) };
}

/** Every function the caller may invoke, every page. */
async function invocableFunctions(context: CommandContext): Promise<FunctionContractSummaryFragment[]> {
  const found: FunctionContractSummaryFragment[] = [];
  for (let after: string | null | undefined = undefined; ;) {
    const { functions }: FunctionContractsQuery = await context.client.request(FunctionContractsDocument, { first: PAGE_SIZE, after });
    found.push(...functions.nodes.filter((fn) => fn.viewerAccess.invoke));
    if (!functions.pageInfo.hasNextPage) return found;
    after = functions.pageInfo.endCursor;
  }
}

/** The named functions; one the caller may not invoke is an error rather than a method that would only be refused. */
async function namedFunctions(context: CommandContext, names: string[]): Promise<FunctionContractSummaryFragment[]> {
  const found: FunctionContractSummaryFragment[] = [];
  for (const name of [...new Set(names)]) {
    const { functionByName } = await context.client.request(FunctionContractByNameDocument, { name });
    if (!functionByName.viewerAccess.invoke) throw new CliError(`You may not invoke ${name}`, ExitCode.AUTH, 'FORBIDDEN');
    found.push(functionByName);
  }
  return found;
}

/** The command line as the header records it (without the server or credentials). */
function commandLine(options: CodegenOptions, out: string): string {
  const names = [...new Set(options.function ?? [])].sort();
  return ['fngraph codegen', ...(options.python ? ['--python'] : []), `--out ${out}`, ...names.map((name) => `--function ${name}`)].join(' ');
}

/**
 * `fngraph codegen`: writes one TypeScript module with a typed method per function the caller
 * may invoke (or per `--function`), typed from the JSON Schemas of its latest version's
 * contract; `createFunctions(client).invoke.<camelCaseName>(input)` calls `/fn/<name>`.
 * `--python`: the same as a Python module for the standard-library client (sdk/python).
 */
export async function codegenCommand(context: CommandContext, options: CodegenOptions): Promise<void> {
  const summaries = options.function?.length ? await namedFunctions(context, options.function) : await invocableFunctions(context);
  const functions = summaries.map(toGenerate);
  const out = options.out ?? (options.python ? 'fngraph_functions.py' : 'fngraph-functions.ts');
  const moduleOptions = { serverUrl: context.connection.url, command: commandLine(options, out) };
  const text = options.python ? pythonClientModule(functions, moduleOptions) : clientModule(functions, moduleOptions);
  const path = resolve(out);
  writeFileSync(path, text);
  const written = functions
    .map((fn) => ({ name: fn.name, version: fn.version, typed: fn.contract !== null }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  context.output.result({ out: path, functions: written }, () => {
    const typed = written.filter((fn) => fn.typed).length;
    return `Wrote ${out}: ${written.length} function${written.length === 1 ? '' : 's'} (${typed} typed from a contract, ${written.length - typed} untyped)`;
  });
}
