import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runHostCommand } from './host-command.js';

const PATH = '/usr/bin:/bin';

/** Running (a zombie waiting for a reaper that may not exist here counts as dead). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('runHostCommand', () => {
  it('streams stdout and stderr lines, returns the exit code, and passes only the given environment', async () => {
    const lines: string[] = [];
    const result = await runHostCommand({
      command: 'sh',
      args: ['-c', 'echo out; echo err >&2; env; exit 3'],
      cwd: '/',
      env: { PATH, ONLY_THIS: 'yes' },
      timeoutMs: 30_000,
      onLine: (line) => lines.push(line),
    });
    expect(result).toEqual({ code: 3, timedOut: false, aborted: false, startError: null });
    expect(lines).toEqual(expect.arrayContaining(['out', 'err', 'ONLY_THIS=yes']));
    expect(lines.some((line) => line.startsWith('HOME=') || line.startsWith('FNGRAPH_'))).toBe(false);
  });

  it('kills the whole process group on timeout', async () => {
    const lines: string[] = [];
    const result = await runHostCommand({
      command: 'sh',
      args: ['-c', 'sleep 60 & echo $!; wait'],
      cwd: '/',
      env: { PATH },
      timeoutMs: 500,
      onLine: (line) => lines.push(line),
    });
    expect(result.timedOut).toBe(true);
    expect(result.code).toBeNull();
    const grandchild = Number(lines[0]);
    // SIGKILL went to the whole group; its delivery is asynchronous, so wait (bounded by the test timeout).
    while (isAlive(grandchild)) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('kills the command when aborted', async () => {
    const controller = new AbortController();
    const running = runHostCommand({
      command: 'sleep',
      args: ['60'],
      cwd: '/',
      env: { PATH },
      timeoutMs: 60_000,
      onLine: () => undefined,
      signal: controller.signal,
    });
    controller.abort();
    expect(await running).toMatchObject({ aborted: true, timedOut: false, code: null });
  });

  it('reports a command that cannot start', async () => {
    const result = await runHostCommand({ command: 'fngraph-no-such-binary', args: [], cwd: '/', env: { PATH }, timeoutMs: 1000, onLine: () => undefined });
    expect(result.code).toBeNull();
    expect(result.startError?.message).toMatch(/ENOENT/);
  });
});
