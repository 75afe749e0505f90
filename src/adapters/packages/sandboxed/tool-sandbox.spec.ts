import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { SCRATCH_DIR, TOOL_WORK_DIR, ToolSandbox } from './tool-sandbox.js';

/** What the tool sees, as a node script prints it. */
const PROBE = String.raw`
const fs = require('fs');
const tryTo = (f) => { try { f(); return true; } catch { return false; } };
const [dataDir, port] = process.argv.slice(1);
const seen = {
  uid: process.getuid(),
  cwd: process.cwd(),
  env: process.env,
  dataDirVisible: fs.existsSync(dataDir),
  rootVisible: fs.existsSync('/root'),
  passwdVisible: fs.existsSync('/etc/passwd'),
  writesWork: tryTo(() => fs.writeFileSync('made-by-tool.txt', 'x')),
  linksInWork: tryTo(() => (fs.writeFileSync('linked-a', 'x'), fs.linkSync('linked-a', 'linked-b'))),
  writesUsr: tryTo(() => fs.writeFileSync('/usr/made-by-tool.txt', 'x')),
  writesRoot: tryTo(() => fs.writeFileSync('/made-by-tool.txt', 'x')),
};
require('http')
  .get('http://127.0.0.1:' + port + '/', () => done(true))
  .on('error', () => done(false));
function done(reached) {
  console.log('SEEN ' + JSON.stringify({ ...seen, reachedHostLoopback: reached }));
  process.exit(0);
}
`;

describe('ToolSandbox (real bubblewrap when installed)', () => {
  const base = mkdtempSync(join(tmpdir(), 'fngraph-tools-'));
  const dataDir = join(base, 'data');
  const work = join(base, 'work');
  let server: Server;
  let port = 0;
  let requests = 0;
  const isRoot = process.getuid?.() === 0;

  beforeAll(async () => {
    chmodSync(base, 0o711);
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(join(dataDir, 'fngraph.sqlite'), 'secret');
    mkdirSync(work, { mode: 0o755 });
    server = createServer((_request, response) => {
      requests++;
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(base, { recursive: true, force: true });
  });

  const sandbox = () => new ToolSandbox(AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_DATA_DIR: dataDir }));

  async function probe(tools: ToolSandbox, network: boolean) {
    const lines: string[] = [];
    await tools.lend(work);
    const result = await tools.run({
      tool: 'node',
      args: ['-e', PROBE, dataDir, String(port)],
      workDir: work,
      network,
      env: { ONLY_THIS: 'yes' },
      timeoutMs: 30_000,
      onLine: (line) => lines.push(line),
    });
    await tools.reclaim(work);
    const seen = lines.find((line) => line.startsWith('SEEN '));
    if (!seen) throw new Error(`no probe output (${JSON.stringify(result)}): ${lines.join('\n')}`);
    return JSON.parse(seen.slice(5));
  }

  it('runs the tool unprivileged, with only its work folder writable and nothing of the server', async () => {
    const tools = sandbox();
    const seen = await probe(tools, false);
    expect(seen.uid).toBe(isRoot ? 10001 : process.getuid?.());
    expect(seen.dataDirVisible).toBe(false);
    expect(seen.writesWork).toBe(true);
    expect(seen.writesUsr).toBe(false);
    // (bubblewrap adds PWD for its --chdir.)
    expect(
      Object.keys(seen.env)
        .filter((name) => name !== 'PWD')
        .sort(),
    ).toEqual(['HOME', 'LANG', 'ONLY_THIS', 'PATH', 'TMPDIR']);
    if (tools.mode === 'bubblewrap') {
      expect(seen.cwd).toBe(TOOL_WORK_DIR);
      expect(seen.env.HOME).toBe(`${TOOL_WORK_DIR}/${SCRATCH_DIR}/home`);
      expect(seen.rootVisible).toBe(false);
      expect(seen.passwdVisible).toBe(false);
      expect(seen.writesRoot).toBe(false);
      // Without the network: the host's loopback is out of reach.
      expect(seen.reachedHostLoopback).toBe(false);
      expect(requests).toBe(0);
    }
    // What the tool wrote belongs to the server's user again: sandboxes only read it.
    const made = join(work, 'made-by-tool.txt');
    expect(existsSync(made)).toBe(true);
    expect(statSync(made).uid).toBe(process.getuid?.());
    if (isRoot) {
      // Taken back without files that have other names (a hard link could point anywhere).
      expect(seen.linksInWork).toBe(true);
      const left = readdirSync(work).filter((name) => name !== SCRATCH_DIR);
      expect(left).toContain('made-by-tool.txt');
      expect(left.map((name) => statSync(join(work, name))).filter((info) => info.nlink > 1 || info.uid !== 0)).toEqual([]);
    }
  });

  it('keeps the host network only when asked to (dependency builds)', async () => {
    const tools = sandbox();
    const seen = await probe(tools, true);
    expect(seen.reachedHostLoopback).toBe(true);
    expect(seen.dataDirVisible).toBe(false);
  });

  it('without bubblewrap: runs the tool as the sandbox user after a warning, or not at all with FNGRAPH_REQUIRE_ISOLATION', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const without = { NODE_ENV: 'test', FNGRAPH_DATA_DIR: dataDir, FNGRAPH_SANDBOX_BWRAP_BINARY: 'fngraph-no-such-bwrap' };
      const plain = new ToolSandbox(AppConfig.fromEnvironment(without));
      const seen = await probe(plain, false);
      expect(plain.mode).toBe('plain');
      expect(seen.uid).toBe(isRoot ? 10001 : process.getuid?.());
      expect(seen.writesUsr).toBe(false);
      expect(warn.mock.calls.map(([message]) => String(message))).toContainEqual(expect.stringMatching(/isolation is WEAK/));

      const strict = new ToolSandbox(AppConfig.fromEnvironment({ ...without, FNGRAPH_REQUIRE_ISOLATION: 'true' }));
      const result = await strict.run({ tool: 'node', args: ['-e', '0'], workDir: null, network: false, env: {}, timeoutMs: 30_000, onLine: () => undefined });
      expect(result.startError?.message).toMatch(/not run without bubblewrap \(FNGRAPH_REQUIRE_ISOLATION=true\)/);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
