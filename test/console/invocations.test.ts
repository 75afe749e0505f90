import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData } from '../support/graphql-client.js';
import { until } from '../support/until.js';
import { register, waitForBuild } from '../support/functions.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { type ConsoleBrowser, launchConsoleBrowser, screenshot, signIn } from './support/browser.js';

/**
 * Prints a line, then waits for the test's gate (an HTTP request the test answers when it
 * chooses), then prints a second line and answers: the console must show the first line
 * while the invocation is still running.
 */
const gatedLogger = (gatePort: number) => `
exports.handler = async (event) => {
  console.log('first line');
  const released = await fetch('http://127.0.0.1:${gatePort}/wait').then((response) => response.text());
  console.error('second line: ' + released);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: event.method, path: event.path }) };
};
`;

const FAILING = `
exports.handler = async () => {
  throw new Error('nope');
};
`;

const ECHO = `
exports.handler = async (event) => {
  console.log('echoing ' + event.method + ' ' + event.path);
  return { echoed: JSON.parse(event.body || 'null'), path: event.path };
};
`;

/** A loopback server whose requests wait until `release()`; released, it answers at once (until `hold()`). */
function gateServer(): { server: Server; release(): void; hold(): void; ready: Promise<number> } {
  const waiting: ServerResponse[] = [];
  let released = false;
  const server = createServer((_req, res) => {
    if (released) res.end('released');
    else waiting.push(res);
  });
  const ready = new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return {
    server,
    ready,
    release() {
      released = true;
      for (const res of waiting.splice(0)) res.end('released');
    },
    hold() {
      released = false;
    },
  };
}

describe('web console: invoke console, invocation history and detail', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  const gate = gateServer();
  let gated: { id: string };
  let echo: { id: string };
  let failing: { id: string };

  beforeAll(async () => {
    const gatePort = await gate.ready;
    server = await startTestServer({ FNGRAPH_EGRESS_ALLOW_PRIVATE: `127.0.0.1:${gatePort}` });
    const network = { enabled: true, allow: [`127.0.0.1:${gatePort}`] };
    gated = await register(server.url, 'gated-logger', gatedLogger(gatePort), {
      executionConfig: { timeout: 60, memoryLimit: 128, environmentVariables: {}, network },
      // Viewers may see and invoke it (by role) but read only their own invocations.
      metadata: { permissions: { public: false, allowedUsers: [], executionRoles: ['viewer'] } },
    });
    echo = await register(server.url, 'echo', ECHO);
    failing = await register(server.url, 'failing', FAILING, { executionConfig: { retry: { attempts: 1, backoffSeconds: 0 } } });
    for (const registered of [gated, echo, failing] as { id: string; version: string }[]) {
      expect((await waitForBuild(server.url, registered.id, registered.version)).buildStatus).toBe('READY');
    }
    browser = await launchConsoleBrowser();
  });
  afterAll(async () => {
    gate.release();
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => gate.server.close(resolve));
  });

  const logText = (page: Page) => page.getByRole('log', { name: 'Invocation logs' }).textContent();

  let invocationId: string;
  let traceId: string;

  it('streams the logs of a call while it runs, then shows the response and the last line', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.goto(`${server.url}/#/functions/${gated.id}/invoke`);
    await page.getByRole('heading', { name: 'Invoke gated-logger' }).waitFor();
    await page.getByLabel('Path').fill('/orders?limit=2');
    await page.getByRole('button', { name: 'Invoke' }).click();

    await expect.poll(() => logText(page)).toContain('first line');
    // Still running: the gate holds the function, so no response has come yet.
    const result = page.getByRole('region', { name: 'Result' });
    await result.getByText('running', { exact: true }).waitFor();
    expect(await result.getByText('Waiting for the response…').isVisible()).toBe(true);
    expect(await logText(page)).not.toContain('second line');

    gate.release();
    await expect.poll(() => logText(page)).toContain('second line: released');
    const response = page.getByRole('region', { name: 'Response' });
    await response.getByText('HTTP 200').waitFor();
    await expect.poll(() => response.getByLabel('Response body').textContent()).toContain('"path": "/orders"');
    await result.getByText('succeeded', { exact: true }).waitFor();
    await screenshot(page, 'invoke');

    const link = result.getByRole('link', { name: /^Invocation / });
    invocationId = (await link.locator('.mono').textContent())!;
    traceId = (await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { traceId } }', { id: invocationId })).invocation.traceId;
    // The trace id the console sent is the one recorded on the invocation.
    expect(await result.getByText(traceId).count()).toBe(1);
    await link.click();
    await page.getByRole('heading', { name: `Invocation ${invocationId}` }).waitFor();
    await page.close();
  });

  it('follows an async invocation to its end and shows its result', async () => {
    const page = await browser.newPage({ colorScheme: 'dark' });
    await signIn(page, server.url, server.adminKey);
    await page.goto(`${server.url}/#/functions/${echo.id}/invoke`);
    await page.getByRole('heading', { name: 'Invoke echo' }).waitFor();
    await page.getByLabel('Path').fill('/queued');
    await page.getByLabel('Queue it (async)').check();
    await page.getByRole('button', { name: 'Invoke' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await result.getByText('succeeded', { exact: true }).waitFor();
    await expect.poll(() => result.getByLabel('Response body').textContent()).toContain('"hello": "world"');
    expect(await result.getByLabel('Response body').textContent()).toContain('"path": "/queued"');
    await expect.poll(() => logText(page)).toContain('echoing POST /queued');
    await page.close();
  });

  it('shows the invocation in detail, and the history filtered by status and by trace id', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.goto(`${server.url}/#/invocations/${invocationId}`);
    await page.getByRole('heading', { name: `Invocation ${invocationId}` }).waitFor();
    const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { coldStart memoryPeakBytes cpuTimeMs durationMs } }', {
      id: invocationId,
    });
    const timings = page.getByRole('region', { name: 'Timings' });
    expect(await timings.textContent()).toMatch(/Duration[\d.]+ (ms|s)/);
    expect(await timings.textContent()).toContain(invocation.coldStart ? 'Cold startyes' : 'Cold startno');
    const resources = page.getByRole('region', { name: 'Resources' });
    expect(await resources.textContent()).toMatch(invocation.memoryPeakBytes === null ? /Memory peak—/ : /Memory peak[\d.]+ (B|KiB|MiB|GiB)/);
    expect(await resources.textContent()).toMatch(invocation.cpuTimeMs === null ? /CPU time—/ : /CPU time[\d.]+ (ms|s)/);
    await expect.poll(() => logText(page)).toMatch(/first line.*second line: released/s);
    await page.getByRole('region', { name: 'Overview' }).getByRole('link', { name: traceId }).waitFor();
    await screenshot(page, 'invocation-detail');

    // The trace id links to the history filtered by it.
    await page.getByRole('link', { name: traceId }).click();
    await expect.poll(() => page.url()).toContain(`traceId=${traceId}`);
    const table = page.getByRole('table', { name: 'Invocations, newest first' });
    await table.getByRole('link', { name: invocationId }).waitFor();
    expect(await table.getByRole('row').count()).toBe(2);

    await page.goto(`${server.url}/#/invocations`);
    await page.getByLabel('Status').selectOption('SUCCEEDED');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.url()).toContain('status=SUCCEEDED');
    await table.getByRole('link', { name: invocationId }).waitFor();
    expect(await table.getByText('failed', { exact: true }).count()).toBe(0);
    await screenshot(page, 'invocations-list');

    await page.getByLabel('Status').selectOption('FAILED');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No invocations match.').waitFor();

    await page.getByLabel('Trace id').fill('not-a-trace');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('A trace id is 32 hexadecimal digits (0–9, a–f).').waitFor();
    expect(await page.getByLabel('Trace id').getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).not.toContain('traceId=');
    await page.close();
  });

  it('streams the logs live for a caller who may read only its own invocations', async () => {
    const viewerKey = await createKey(server.url, 'vera', ['viewer']);
    gate.hold();
    const page = await browser.newPage();
    await signIn(page, server.url, viewerKey);
    await page.goto(`${server.url}/#/functions/${gated.id}/invoke`);
    await page.getByRole('heading', { name: 'Invoke gated-logger' }).waitFor();
    await page.getByRole('button', { name: 'Invoke' }).click();

    const result = page.getByRole('region', { name: 'Result' });
    await expect.poll(() => logText(page)).toContain('first line');
    await result.getByText('running', { exact: true }).waitFor();
    expect(await result.getByText('Waiting for the response…').isVisible()).toBe(true);
    gate.release();
    await expect.poll(() => logText(page)).toContain('second line: released');
    await result.getByText('HTTP 200').waitFor();
    await result.getByText('succeeded', { exact: true }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });

  it('shows why a queued invocation was dead-lettered, and re-drives it', async () => {
    const invocationOf = async (id: string) =>
      (await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status queuedAt } }', { id })).invocation as { status: string; queuedAt: string };
    const { invokeFunction } = await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id, async: true }) { id } }', {
      id: failing.id,
    });
    const first = await until(
      () => invocationOf(invokeFunction.id),
      (invocation) => invocation.status === 'DEAD_LETTERED',
    );
    expect(first.status).toBe('DEAD_LETTERED');

    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.goto(`${server.url}/#/invocations/${invokeFunction.id}`);
    const error = page.getByRole('group', { name: 'Error' });
    await error.getByText('Error: nope', { exact: true }).waitFor();
    // The admin may read the code, so the stack shows too.
    expect(await error.locator('pre').textContent()).toContain('at exports.handler');
    await page.getByRole('button', { name: 'Redrive' }).click();
    await page.getByText('Re-driven: queued again with a fresh set of attempts.').waitFor();
    // Queued again (a new queuedAt), it fails again and the page follows it back to dead-lettered.
    await expect.poll(async () => (await invocationOf(invokeFunction.id)).queuedAt).not.toBe(first.queuedAt);
    await page.getByRole('button', { name: 'Redrive' }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Overview' }).textContent()).toContain('dead lettered');
    await page.close();
  });

  it("pages through a function's history, newest first", async () => {
    const before = (await graphqlData(server.url, 'query($id: ID!) { invocations(functionId: $id, first: 100) { nodes { id } } }', { id: echo.id })).invocations
      .nodes.length;
    // One more than a page (25), counting what earlier tests left.
    for (let i = before; i < 26; i += 1) {
      await graphqlData(server.url, 'mutation($id: ID!, $n: JSON) { invokeFunction(input: { functionId: $id, payload: $n }) { id } }', {
        id: echo.id,
        n: { n: i },
      });
    }
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.goto(`${server.url}/#/invocations?functionId=${echo.id}`);
    await page.getByRole('heading', { name: 'Invocations of echo' }).waitFor();
    const rows = page.getByRole('table', { name: 'Invocations, newest first' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(1 + 25);
    const newest = await rows.nth(1).getByRole('link').first().textContent();
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => rows.count()).toBe(1 + Math.max(before, 26) - 25);
    expect(await page.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(() => rows.nth(1).getByRole('link').first().textContent()).toBe(newest);
    await page.close();
  });
});
