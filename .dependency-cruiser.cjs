// The architecture's dependency rules (README, "Architecture"), checked by `npm run lint`.
// Layers: kernel <- modules <- adapters, kernel <- modules <- api; the root (app.module.ts,
// main.ts, server.ts, cli/) is the only code that sees every layer and picks adapters.
const ROOT = '^src/(app\\.module|main|server)\\.ts$|^src/cli/';
const SPEC = '\\.spec\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles between files.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      scope: 'folder',
      comment: 'Feature modules depend on each other one way only (no pair both ways, no longer cycles).',
      from: { path: '^src/modules/[^/]+/?$' },
      to: { path: '^src/modules/[^/]+/?$', circular: true },
    },
    {
      name: 'kernel-imports-nothing-of-ours',
      severity: 'error',
      comment: 'The kernel (config, errors, ids, event channels, telemetry helpers, identity, crypto types) stands alone.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/kernel/' },
    },
    {
      name: 'modules-never-import-api-or-adapters',
      severity: 'error',
      comment: "Domain logic depends on ports (its own or the kernel's), never on delivery code or on an adapter: the root hands adapters in.",
      from: { path: '^src/modules/' },
      to: { path: `^src/(api|adapters)/|${ROOT}` },
    },
    {
      name: 'adapters-never-import-api',
      severity: 'error',
      comment: 'Adapters implement ports; they know nothing of GraphQL or HTTP delivery.',
      from: { path: '^src/adapters/' },
      to: { path: `^src/api/|${ROOT}` },
    },
    {
      name: 'api-never-imports-adapters',
      severity: 'error',
      comment: "Delivery code talks to services and ports; which adapter sits behind them is the root's choice.",
      from: { path: '^src/api/' },
      to: { path: `^src/adapters/|${ROOT}` },
    },
    {
      name: 'only-the-root-chooses-adapters',
      severity: 'error',
      comment: 'Outside the adapters themselves, only app.module.ts, main.ts, server.ts and the CLI entry points import adapters.',
      from: { path: '^src/', pathNot: `^src/adapters/|${ROOT}` },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a moved file leaves no dangling import behind).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    includeOnly: '^src/',
    // Unit specs may use any adapter as a fixture (e.g. the in-memory event bus).
    exclude: { path: ['^src/modules/runtimes/shims/', SPEC] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'], conditionNames: ['import', 'require', 'node', 'default'] },
    doNotFollow: { path: 'node_modules' },
  },
};
