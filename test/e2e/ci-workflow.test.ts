import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageManagerEnvironment } from '@/kernel/config/app-config.js';
import { type CliTestServer, PACKAGES_DIR, startCliTestServer } from '../support/cli.js';
import { type LocalNpmRegistry, startNpmRegistry } from '../support/local-registries.js';

// Runs the `run:` steps of the example GitHub Actions workflow, read out of the file, the way
// the runner does: `bash -eo pipefail`, job and step `env`, GITHUB_PATH, RUNNER_TEMP, stopping
// at the first failed step. `uses:` steps are stood in for: checkout copies the example's
// function folder into the workspace, setup-node is the Node.js running this test.
const WORKFLOW = 'examples/ci/github-actions/deploy-function.yml';
const FUNCTIONS = 'examples/ci/github-actions/functions';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

/** `${{ context.name }}` and `${{ context.name || 'default' }}`, the only expressions the workflow may use. */
function evaluate(value: string, contexts: Record<string, Record<string, string>>): string {
  return value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
    const match = /^(\w+)\.(\w+)(?:\s*\|\|\s*'([^']*)')?$/.exec(expression);
    if (!match) throw new Error(`unsupported expression in ${WORKFLOW}: ${expression}`);
    const [, context, name, fallback] = match;
    return contexts[context!]?.[name!] || fallback || '';
  });
}

interface StepRun {
  name: string;
  status: number | null;
  output: string;
}

/** `checkout` stands in for actions/checkout: it puts the repository's files in the workspace. */
async function runWorkflow(workspace: string, contexts: Record<string, Record<string, string>>, checkout: (workspace: string) => void): Promise<StepRun[]> {
  const workflow = parseYaml(readFileSync(WORKFLOW, 'utf8'));
  const job = workflow.jobs.deploy;
  const runnerTemp = mkdtempSync(join(tmpdir(), 'fngraph-runner-temp-'));
  const githubPath = join(runnerTemp, 'github-path');
  writeFileSync(githubPath, '');
  const jobEnv = Object.fromEntries(Object.entries(job.env as Record<string, string>).map(([name, value]) => [name, evaluate(value, contexts)]));
  const runs: StepRun[] = [];
  for (const step of job.steps as Step[]) {
    if (step.uses?.startsWith('actions/checkout@')) {
      checkout(workspace);
      continue;
    }
    if (step.uses?.startsWith('actions/setup-node@')) continue;
    if (step.uses) throw new Error(`no stand-in for ${step.uses}`);
    const added = readFileSync(githubPath, 'utf8').split('\n').filter(Boolean).reverse();
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, evaluate(value, contexts)]));
    // Asynchronous: the loopback registry the server's builds fetch from runs in this process.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: workspace,
      env: {
        // What a runner has to reach the npm registry from this machine (CA bundle, proxy).
        ...packageManagerEnvironment(process.env),
        PATH: [...added, process.env.PATH].join(':'),
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_PATH: githubPath,
        RUNNER_TEMP: runnerTemp,
        XDG_CONFIG_HOME: join(runnerTemp, 'config'),
        ...jobEnv,
        ...stepEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    runs.push({ name: step.name ?? step.run!, status, output });
    if (status !== 0) break;
  }
  rmSync(runnerTemp, { recursive: true, force: true });
  return runs;
}

describe('the example GitHub Actions workflow', { timeout: 300_000 }, () => {
  let server: CliTestServer;
  let npm: LocalNpmRegistry;
  let contexts: Record<string, Record<string, string>>;
  const workspaces: string[] = [];
  const workspace = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fngraph-workspace-'));
    workspaces.push(dir);
    return dir;
  };
  beforeAll(async () => {
    npm = await startNpmRegistry();
    server = await startCliTestServer({ npm_config_registry: npm.url });
    const packages = ['fngraph-sdk-0.1.0.tgz', 'fngraph-0.1.0.tgz'].map((file) => join(PACKAGES_DIR, file));
    for (const tarball of packages) if (!existsSync(tarball)) throw new Error(`${tarball} is missing: run \`npm run build:packages\``);
    contexts = {
      secrets: { FNGRAPH_URL: server.url, FNGRAPH_API_KEY: server.adminKey },
      // The packed CLI and SDK stand in for a published release.
      vars: { FNGRAPH_CLI_PACKAGES: packages.join(' ') },
    };
  });
  afterAll(async () => {
    await server?.stop();
    await npm?.close();
    for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
  });

  it('installs the CLI, deploys the function folder and smoke-tests it', async () => {
    const runs = await runWorkflow(workspace(), contexts, (dir) => cpSync(FUNCTIONS, join(dir, 'functions'), { recursive: true }));
    expect(
      runs.map((run) => [run.name, run.status]),
      runs.map((run) => run.output).join('\n'),
    ).toEqual([
      ['Install the fngraph CLI', 0],
      ['Deploy', 0],
      ['Smoke test', 0],
    ]);
    expect(JSON.parse(runs[1]!.output.split('\n').find((line) => line.startsWith('{'))!)).toMatchObject({
      function: { name: 'ci-hello' },
      buildStatus: 'READY',
      version: '1.0.0',
    });
    expect(runs[2]!.output).toContain('"message": "Hello, CI!"');
  });

  it('fails the Deploy step (exit 1, build log in its output) when the build fails, and runs no later step', async () => {
    // The commit adds a dependency the registry does not have.
    const runs = await runWorkflow(workspace(), contexts, (dir) => {
      cpSync(FUNCTIONS, join(dir, 'functions'), { recursive: true });
      writeFileSync(join(dir, 'functions', 'hello', 'package.json'), JSON.stringify({ dependencies: { 'ci-no-such-package': '^1.0.0' } }));
    });
    expect(
      runs.map((run) => [run.name, run.status]),
      runs.map((run) => run.output).join('\n'),
    ).toEqual([
      ['Install the fngraph CLI', 0],
      ['Deploy', 1],
    ]);
    const result = JSON.parse(runs[1]!.output.split('\n').find((line) => line.startsWith('{'))!);
    expect(result).toMatchObject({ function: { name: 'ci-hello' }, buildStatus: 'FAILED' });
    expect(result.buildLog).toContain('ci-no-such-package');
  });
});
