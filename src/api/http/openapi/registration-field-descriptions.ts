/**
 * What the registration document's fields mean, for its JSON Schema (the validation says
 * which values are valid; this says what they are for). Fields missing here keep no description.
 */
export const REGISTRATION_FIELD_DESCRIPTIONS: Record<string, string> = {
  id: 'Ignored (exported documents carry it); the server assigns ids.',
  name: 'Unique, URL-safe: the function answers at `/fn/<name>`. Registering an existing name adds a version.',
  description: 'Free text shown in listings and documents.',
  language: 'The source language.',
  runtime: 'A runtime of the language (see the GraphQL `runtimes` query); the language’s default when absent.',
  code: 'The code, base64-encoded: one source file, or an archive of a folder (see `codeFormat`).',
  codeFormat: 'How `code` is packed: `source` (default: one UTF-8 file), `zip`, `tar` or `tgz` (an archive of a folder), in any case.',
  handler:
    'Entry point, `<module path without extension>.<export>` (`index.lambdaHandler`, `src/app.handler`, `main.handle`); default: JS/TS the default export or `handler` of `index`, Python `handler` in `handler.py`.',
  version: 'A semantic version for the new version; the next patch version when absent.',
  metadata: 'Author, tags, dependencies (npm or PyPI names with version ranges) and permissions (`public`, `allowedUsers`, `executionRoles`).',
  executionConfig:
    'Timeout (seconds), memory (MB), environment variables (plain or `{ value, secret }`), instances, `concurrency` (invocations one sandbox serves at once, 1 to 1000, default 1; JavaScript and TypeScript), async retry policy and destinations, outbound network (`network: { enabled, allow }`), and `eventFormat`: how the handler is called and its result read (`native`, `web`, `node-http`, `aws-apigw-v1`, `aws-apigw-v2`; README, "Functions").',
  schedules: 'Cron triggers: each tick runs the function once, asynchronously, with `payload` as the body.',
  contract:
    'JSON Schemas (2020-12) of the version’s `input` (the request body as JSON), `query` (the query string) and `output` (the result), and `outputMode` (`flag`, default, or `refuse`): requests that do not match are refused with 400 before any sandbox starts.',
  allowBreakingChanges: 'Register even though the contract breaks the previous version’s without a major version bump (audited).',
};
