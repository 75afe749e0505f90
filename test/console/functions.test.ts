import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../support/functions.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { type ConsoleBrowser, launchConsoleBrowser, screenshot, signIn } from './support/browser.js';

let serverUrl = '';

const FIRST_LINE = '  return { message: `Hello, ${name}!` };';
const CHANGED_LINE = '  return { message: `Good day, ${name}!`, changed: true };';

const SOURCE = (line: string) => `// Greets whoever is named in the event.
export default async function handler(event) {
  const name = event?.name ?? 'world';
${line}
}
`;

/** Replaces the text of the CodeMirror editor named `label` (inserted as one input, so no auto-closed brackets). */
async function replaceCode(page: Page, label: string, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: label, exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await expect.poll(() => editor.textContent()).toContain(text.split('\n')[3]!.trim());
}

/** The body `/fn/<name>` answers (the test functions are public). */
async function invokePublic(name: string): Promise<string> {
  const response = await fetch(`${serverUrl}/fn/${name}`);
  return response.text();
}

async function buildHeading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { name: /^Build of version/ }).textContent()) ?? '';
}

describe('web console: functions', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  beforeAll(async () => {
    server = await startTestServer();
    serverUrl = server.url;
    browser = await launchConsoleBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a function through the form, edits it to a new version and compares the two', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.getByRole('link', { name: 'New function' }).click();

    await page.getByLabel('Name', { exact: true }).fill('greeter');
    await page.getByLabel('Description').fill('Says hello to whoever is named');
    await replaceCode(page, 'Code', SOURCE(FIRST_LINE));
    await page.getByLabel('Timeout (seconds)').fill('5');
    await page.getByLabel('Tags').fill('demo, console');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Name of variable 1').fill('GREETING_STYLE');
    await page.getByLabel('Value of variable GREETING_STYLE').fill('warm');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Name of variable 2').fill('API_TOKEN');
    await page.getByLabel('Variable API_TOKEN is secret').check();
    await page.getByLabel('Value of variable API_TOKEN').fill('s3cret-value');
    await page.getByRole('button', { name: 'Create function' }).click();

    // The detail page: the first version's build becomes READY (a plain function: its load check).
    await page.getByRole('heading', { name: 'greeter', level: 1 }).waitFor();
    await expect.poll(() => buildHeading(page), { timeout: 30_000 }).toMatch(/ready$/);
    const firstVersion = (await buildHeading(page)).match(/version (\S+)/)![1]!;
    await expect.poll(() => page.getByRole('region', { name: 'Environment variables' }).textContent()).toContain('secret');
    expect(await page.content()).not.toContain('s3cret-value');
    await screenshot(page, 'function-detail');

    // A new version: other code, another timeout; the untouched secret is kept (variables not sent).
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Code', exact: true }).textContent()).toContain('Hello, ${name}!');
    await replaceCode(page, 'Code', SOURCE(CHANGED_LINE));
    await page.getByLabel('Timeout (seconds)').fill('10');
    await page.getByLabel('Concurrency (invocations per sandbox)').fill('8');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'function-editor');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await expect.poll(() => buildHeading(page), { timeout: 30_000 }).not.toContain(`version ${firstVersion} `);
    await expect.poll(() => buildHeading(page), { timeout: 30_000 }).toMatch(/ready$/);
    const secondVersion = (await buildHeading(page)).match(/version (\S+)/)![1]!;
    await expect.poll(() => page.getByRole('region', { name: 'Environment variables' }).textContent()).toContain('API_TOKEN');

    // Compare them: the changed line on each side, the timeout in the settings.
    await page.getByLabel(`Compare version ${firstVersion}`).check();
    await page.getByLabel(`Compare version ${secondVersion}`).check();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByRole('heading', { name: 'Compare versions of greeter' }).waitFor();
    const before = page.getByRole('textbox', { name: `Code of version ${firstVersion}` });
    const after = page.getByRole('textbox', { name: `Code of version ${secondVersion}` });
    await expect.poll(() => before.textContent()).toContain('Hello, ${name}!');
    expect(await before.textContent()).not.toContain('Good day');
    await expect.poll(() => after.textContent()).toContain('Good day, ${name}!');
    expect(await page.locator('.cm-merge-b .cm-changedLine').count()).toBeGreaterThan(0);
    const timeoutRow = page.getByRole('row', { name: /^Timeout/ });
    await expect.poll(() => timeoutRow.textContent()).toContain('5 s');
    expect(await timeoutRow.textContent()).toContain('10 s');
    const concurrencyRow = page.getByRole('row', { name: /^Concurrency/ });
    expect(await concurrencyRow.textContent()).toMatch(/^Concurrency\s*was 1\s*now 8$/);
    expect(await page.getByRole('row', { name: /^Memory limit/ }).count()).toBe(0);
    await screenshot(page, 'version-diff');

    // The list: the function with its latest version and tags.
    await register(server.url, 'thumbnailer', 'export default async () => "ok"', {
      description: 'Resizes uploaded images',
      metadata: { tags: ['images'] },
    });
    await page.getByRole('link', { name: 'Functions', exact: true }).click();
    const row = page.getByRole('row', { name: /greeter/ });
    await expect.poll(() => row.textContent()).toContain(secondVersion);
    expect(await row.textContent()).toContain('console');
    await page.getByRole('row', { name: /thumbnailer/ }).waitFor();
    await screenshot(page, 'functions-list');

    // The name filter narrows the list.
    await page.getByLabel('Name starts with').fill('thumb');
    await expect.poll(() => page.getByRole('row', { name: /greeter/ }).count()).toBe(0);
    await page.getByRole('row', { name: /thumbnailer/ }).waitFor();

    const dark = await browser.newPage({ colorScheme: 'dark' });
    await signIn(dark, server.url, server.adminKey);
    await dark.getByRole('link', { name: 'greeter', exact: true }).click();
    await expect.poll(() => buildHeading(dark)).toMatch(/ready$/);
    await screenshot(dark, 'function-detail-dark');
  });

  it('shows a server validation error on its field', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.goto(`${server.url}/#/functions/new`);
    await page.getByLabel('Name', { exact: true }).fill('valid-name');
    await page.getByLabel('Timeout (seconds)').fill('0');
    await page.getByRole('button', { name: 'Create function' }).click();
    const timeout = page.getByLabel('Timeout (seconds)');
    await expect.poll(() => timeout.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await timeout.getAttribute('aria-describedby'))!.split(' ');
    const message = await page.locator(`[id="${describedBy[describedBy.length - 1]}"]`).textContent();
    expect(message).toBeTruthy();
    expect(await page.getByRole('alert').first().textContent()).toMatch(/Could not create the function/);

    await page.getByLabel('Timeout (seconds)').fill('');
    await page.getByLabel('Name', { exact: true }).fill('Bad Name!');
    await page.getByRole('button', { name: 'Create function' }).click();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Timeout (seconds)').getAttribute('aria-invalid')).toBeNull();
  });

  it('keeps an untouched secret, and asks for it again once the variables change', async () => {
    const fn = await register(server.url, 'with-secret', 'export default async () => process.env.API_TOKEN', {
      executionConfig: { environmentVariables: { MODE: 'a', API_TOKEN: { value: 'kept-secret', secret: true } } },
    });
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);

    // Variables untouched: not sent, so the new version keeps the stored secret.
    await page.goto(`${server.url}/#/functions/${fn.id}/edit`);
    await page.getByLabel('Description').fill('Returns its token');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await expect.poll(() => buildHeading(page), { timeout: 30_000 }).toMatch(/1\.0\.1 ready$/);
    expect(await invokePublic('with-secret')).toBe('kept-secret');

    // Variables changed: the API replaces them together, so the stored secret must be typed again.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Name of variable 3').fill('REGION');
    await page.getByLabel('Value of variable REGION').fill('eu');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await expect.poll(() => page.locator('input[aria-invalid="true"]').inputValue()).toBe('API_TOKEN');
    expect(await page.getByRole('alert').first().textContent()).toContain('API_TOKEN');

    await page.getByLabel('Value of variable API_TOKEN').fill('new-secret');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await expect.poll(() => buildHeading(page), { timeout: 30_000 }).toMatch(/1\.0\.2 ready$/);
    const variables = page.getByRole('region', { name: 'Environment variables' });
    expect(await variables.textContent()).toContain('REGION');
    expect(await variables.textContent()).toMatch(/API_TOKEN\s*secret/);
    expect(await page.content()).not.toContain('new-secret');
    expect(await invokePublic('with-secret')).toBe('new-secret');
  });

  it('pages the list with Load more, filtered by tag', async () => {
    for (let i = 0; i < 23; i++) {
      await register(server.url, `batch-${String(i).padStart(2, '0')}`, 'export default async () => 1', { metadata: { tags: ['batch'] } });
    }
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.getByLabel('Tag', { exact: true }).fill('batch');
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: /functions? shown/ })
          .textContent(),
      )
      .toBe('20 functions shown, more to load');
    expect(await page.getByRole('row', { name: /greeter/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => page.getByRole('row', { name: /batch-/ }).count()).toBe(23);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('shows why a version failed to build', async () => {
    const fn = await register(server.url, 'broken-at-load', 'throw new Error("CONFIG_URL is not set");\nexport default async () => 1;\n');
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.goto(`${server.url}/#/functions/${fn.id}`);
    await expect.poll(() => buildHeading(page), { timeout: 30_000 }).toMatch(/failed$/);
    expect(await page.getByRole('log', { name: 'Build log' }).textContent()).toContain('CONFIG_URL is not set');
  });

  it('shows a viewer no controls it may not use, and not the functions it may not see', async () => {
    const viewerKey = await createKey(server.url, 'viewer-user', ['viewer']);
    const otherKey = await createKey(server.url, 'other-owner', ['developer']);
    const shared = await register(server.url, 'shared-report', 'export default async () => "report"', {
      metadata: { permissions: { public: false, allowedUsers: ['viewer-user'], executionRoles: [] } },
    });
    const hidden = await register(
      server.url,
      'private-job',
      'export default async () => "private"',
      { metadata: { permissions: { public: false, allowedUsers: [], executionRoles: [] } } },
      otherKey,
    );

    const page = await browser.newPage();
    await signIn(page, server.url, viewerKey);
    await page.getByRole('row', { name: /shared-report/ }).waitFor();
    expect(await page.getByRole('row', { name: /private-job/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New function' }).count()).toBe(0);

    await page.getByRole('link', { name: 'shared-report', exact: true }).click();
    await page.getByRole('heading', { name: 'shared-report', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Invocations' }).last().waitFor();
    expect(await page.getByRole('link', { name: 'Edit', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    expect(shared.id).toBeTruthy();

    await page.goto(`${server.url}/#/functions/${hidden.id}`);
    await page.getByRole('heading', { name: 'Function not found' }).waitFor();
  });
});
