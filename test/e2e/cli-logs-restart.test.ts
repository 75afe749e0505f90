import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEnvironment, type CliTestServer, jsonOf, runCli, startCli, startCliTestServer } from '../support/cli.js';

/** The `message`s of the JSON Lines `fngraph logs --follow -o json` printed. */
function messages(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).message as string);
}

describe('fngraph logs --follow across a server restart', { timeout: 120_000 }, () => {
  let server: CliTestServer;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'fngraph-cli-restart-'));
  beforeAll(async () => {
    server = await startCliTestServer();
    env = adminEnvironment(server);
    writeFileSync(join(dir, 'fngraph.yaml'), 'name: cli-restart\n');
    writeFileSync(join(dir, 'index.js'), 'export default async (event) => { console.log(`line ${JSON.parse(event.body).n}`); return "ok"; };\n');
    expect(jsonOf(await runCli(['deploy', '-o', 'json'], { cwd: dir, env })).buildStatus).toBe('READY');
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (env) rmSync(env.XDG_CONFIG_HOME!, { recursive: true, force: true });
  });

  const invoke = async (n: number) =>
    expect(jsonOf(await runCli(['invoke', 'cli-restart', '-o', 'json', '-d', JSON.stringify({ n })], { env })).invocation.status).toBe('SUCCEEDED');

  it('reconnects to the restarted server (same port and data), catches up, and prints no line twice', async () => {
    const follow = startCli(['logs', 'cli-restart', '--follow', '-o', 'json'], { env });
    try {
      await follow.waitFor((_, stderr) => stderr.includes('Following the logs of cli-restart'), 'following');
      await invoke(1);
      await follow.waitFor((stdout) => messages(stdout).includes('line 1'), 'line 1');

      await server.restart();
      // Right after the restart: the follower may not have reconnected yet, and catches up on it.
      await invoke(2);
      await follow.waitFor((stdout) => messages(stdout).includes('line 2'), 'line 2 (caught up or live)');
      await invoke(3);
      await follow.waitFor((stdout) => messages(stdout).includes('line 3'), 'line 3');
      expect(follow.stderr()).toContain('reconnecting');
    } finally {
      expect(await follow.stop()).toBe(0);
    }
    expect(messages(follow.stdout())).toEqual(['line 1', 'line 2', 'line 3']);
    const documents = follow
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(documents.every((document) => document.type === 'log' && document.stream === 'STDOUT' && document.seq === 1)).toBe(true);
  });
});
