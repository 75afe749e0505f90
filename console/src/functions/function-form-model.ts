import type { FunctionForEditQuery, Language, RegisterFunctionInput, UpdateFunctionInput } from '@/api/graphql.generated';
import { encodeSource } from './code-text';

/** What the form edits: text as typed (numbers too: empty means "the server's default" or "unchanged"). */
export interface FunctionForm {
  name: string;
  description: string;
  language: Language;
  /** '' : the newest installed runtime of the language. */
  runtime: string;
  handler: string;
  eventFormat: string;
  version: string;
  code: string;
  dependencies: DependencyRow[];
  environment: EnvironmentRow[];
  timeout: string;
  memoryLimit: string;
  minInstances: string;
  maxInstances: string;
  concurrency: string;
  tags: string;
  public: boolean;
  allowedUsers: string;
  executionRoles: string;
  networkEnabled: boolean;
  networkAllow: string;
}

export interface DependencyRow {
  key: number;
  name: string;
  spec: string;
}

export interface EnvironmentRow {
  key: number;
  name: string;
  value: string;
  secret: boolean;
  /**
   * A secret already stored whose value the API never returns: shown empty. While the
   * variables are left as they were they are not sent, and the server keeps them.
   */
  storedSecret: boolean;
}

export const EVENT_FORMATS = [
  { value: 'native', label: 'native: handler(event, context)' },
  { value: 'web', label: 'web: a Web Request → Response (JS/TS)' },
  { value: 'node-http', label: 'node-http: Express-style (req, res) (JS/TS)' },
  { value: 'aws-apigw-v1', label: 'aws-apigw-v1: Lambda behind API Gateway REST' },
  { value: 'aws-apigw-v2', label: 'aws-apigw-v2: Lambda behind API Gateway HTTP' },
];

/** A runnable first version per language, so "New function" → "Create" works as is. */
export const STARTER_CODE: Record<Language, string> = {
  javascript: `// event: { method, path, headers, query, body }; what it returns is the response.
export default async function handler(event, context) {
  const name = event.query?.name ?? 'world';
  return { message: \`Hello, \${name}!\` };
}
`,
  typescript: `interface Event {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

export default async function handler(event: Event): Promise<{ message: string }> {
  const name = event.query?.name ?? 'world';
  return { message: \`Hello, \${name}!\` };
}
`,
  python: `# event: method, path, headers, query, body; what it returns is the response.
def handler(event, context):
    name = (event.get("query") or {}).get("name", "world")
    return {"message": f"Hello, {name}!"}
`,
};

let nextKey = 1;
export function rowKey(): number {
  return nextKey++;
}

export function newFunctionForm(): FunctionForm {
  return {
    name: '',
    description: '',
    language: 'javascript',
    runtime: '',
    handler: '',
    eventFormat: 'native',
    version: '',
    code: STARTER_CODE.javascript,
    dependencies: [],
    environment: [],
    timeout: '',
    memoryLimit: '',
    minInstances: '',
    maxInstances: '',
    concurrency: '',
    tags: '',
    public: false,
    allowedUsers: '',
    executionRoles: '',
    networkEnabled: false,
    networkAllow: '',
  };
}

type Editable = FunctionForEditQuery['function'];

/** The form for a new version of `fn`: its latest settings; `code` when it is readable text. */
export function formFromFunction(fn: Editable, code: string): FunctionForm {
  const config = fn.executionConfig;
  return {
    name: fn.name,
    description: fn.description,
    language: fn.language,
    runtime: fn.runtime,
    handler: fn.latestVersion.handler ?? '',
    eventFormat: config.eventFormat,
    version: '',
    code,
    dependencies: Object.entries(fn.metadata.dependencies).map(([name, spec]) => ({ key: rowKey(), name, spec })),
    environment: config.environmentVariables.map((variable) => ({
      key: rowKey(),
      name: variable.name,
      value: variable.value ?? '',
      secret: variable.secret,
      storedSecret: variable.secret,
    })),
    timeout: String(config.timeout),
    memoryLimit: String(config.memoryLimit),
    minInstances: String(config.minInstances),
    maxInstances: config.maxInstances === null ? '' : String(config.maxInstances),
    concurrency: String(config.concurrency),
    tags: fn.metadata.tags.join(', '),
    public: fn.metadata.permissions.public,
    allowedUsers: fn.metadata.permissions.allowedUsers.join(', '),
    executionRoles: fn.metadata.permissions.executionRoles.join(', '),
    networkEnabled: config.network.enabled,
    networkAllow: config.network.allow.join('\n'),
  };
}

/** "a, b,, c" → ['a', 'b', 'c'] (also splits on new lines). */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** A number field: undefined when empty (the server's default, or on edit the latest version's); range checks are the server's. */
function numberField(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function dependencyMap(rows: DependencyRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((row) => row.name.trim() !== '').map((row) => [row.name.trim(), row.spec.trim() || '*']));
}

function environmentMap(rows: EnvironmentRow[]): Record<string, string | { value: string; secret: true }> {
  return Object.fromEntries(
    rows.filter((row) => row.name.trim() !== '').map((row) => [row.name.trim(), row.secret ? { value: row.value, secret: true as const } : row.value]),
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The variables as a comparable list (order and row keys aside). */
function environmentShape(rows: EnvironmentRow[]) {
  return rows
    .filter((row) => row.name.trim() !== '')
    .map((row) => ({ name: row.name.trim(), value: row.value, secret: row.secret, stored: row.storedSecret }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function environmentChanged(initial: FunctionForm, form: FunctionForm): boolean {
  return !sameJson(environmentShape(initial.environment), environmentShape(form.environment));
}

/**
 * Variables are replaced all together, and a stored secret's value cannot be read back:
 * once the variables change, every secret still untouched must be typed again.
 */
export function secretsToReenter(initial: FunctionForm, form: FunctionForm): EnvironmentRow[] {
  if (!environmentChanged(initial, form)) return [];
  return form.environment.filter((row) => row.storedSecret && row.name.trim() !== '');
}

export function registerInput(form: FunctionForm): RegisterFunctionInput {
  const network = form.networkEnabled ? { enabled: true, allow: splitList(form.networkAllow) } : undefined;
  return {
    name: form.name.trim(),
    description: form.description,
    language: form.language,
    runtime: form.runtime || undefined,
    handler: form.handler.trim() || undefined,
    version: form.version.trim() || undefined,
    code: encodeSource(form.code),
    metadata: {
      tags: splitList(form.tags),
      dependencies: dependencyMap(form.dependencies),
      permissions: { public: form.public, allowedUsers: splitList(form.allowedUsers), executionRoles: splitList(form.executionRoles) },
    },
    executionConfig: {
      eventFormat: form.eventFormat,
      timeout: numberField(form.timeout),
      memoryLimit: numberField(form.memoryLimit),
      minInstances: numberField(form.minInstances),
      maxInstances: numberField(form.maxInstances),
      concurrency: numberField(form.concurrency),
      environmentVariables: environmentMap(form.environment),
      network,
    },
  };
}

/**
 * Only what changed since the form was filled in: the API keeps every omitted field of the
 * latest version (and merges permissions field by field), so an edit never resets a
 * setting it did not touch. `codeEditable` is false for archives: their code is not sent.
 */
export function updateInput(initial: FunctionForm, form: FunctionForm, codeEditable: boolean): UpdateFunctionInput {
  const input: UpdateFunctionInput = {};
  const changed = <K extends keyof FunctionForm>(key: K) => !sameJson(initial[key], form[key]);
  if (changed('description')) input.description = form.description;
  if (changed('language')) input.language = form.language;
  if (changed('runtime') || changed('language')) input.runtime = form.runtime || undefined;
  // An empty handler cannot be sent (the API keeps the latest one for a missing value).
  if (changed('handler') && form.handler.trim()) input.handler = form.handler.trim();
  if (form.version.trim()) input.version = form.version.trim();
  if (codeEditable && changed('code')) input.code = encodeSource(form.code);

  const metadata: NonNullable<UpdateFunctionInput['metadata']> = {};
  if (!sameJson(dependencyMap(initial.dependencies), dependencyMap(form.dependencies))) metadata.dependencies = dependencyMap(form.dependencies);
  if (!sameJson(splitList(initial.tags), splitList(form.tags))) metadata.tags = splitList(form.tags);
  const permissions: NonNullable<typeof metadata.permissions> = {};
  if (changed('public')) permissions.public = form.public;
  if (!sameJson(splitList(initial.allowedUsers), splitList(form.allowedUsers))) permissions.allowedUsers = splitList(form.allowedUsers);
  if (!sameJson(splitList(initial.executionRoles), splitList(form.executionRoles))) permissions.executionRoles = splitList(form.executionRoles);
  if (Object.keys(permissions).length > 0) metadata.permissions = permissions;
  if (Object.keys(metadata).length > 0) input.metadata = metadata;

  const config: NonNullable<UpdateFunctionInput['executionConfig']> = {};
  if (changed('eventFormat')) config.eventFormat = form.eventFormat;
  if (changed('timeout')) config.timeout = numberField(form.timeout);
  if (changed('memoryLimit')) config.memoryLimit = numberField(form.memoryLimit);
  if (changed('minInstances')) config.minInstances = numberField(form.minInstances);
  if (changed('maxInstances')) config.maxInstances = numberField(form.maxInstances);
  if (changed('concurrency')) config.concurrency = numberField(form.concurrency);
  // The network setting is replaced as a whole when present.
  if (changed('networkEnabled') || !sameJson(splitList(initial.networkAllow), splitList(form.networkAllow))) {
    config.network = { enabled: form.networkEnabled, allow: form.networkEnabled ? splitList(form.networkAllow) : [] };
  }
  if (environmentChanged(initial, form)) config.environmentVariables = environmentMap(form.environment);
  if (Object.keys(config).length > 0) input.executionConfig = config;
  return input;
}
