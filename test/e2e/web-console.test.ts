import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { freePort } from '../support/throwaway-services.js';

/** Every URL the page loads by itself: scripts, style sheets, icons. */
function loadedUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*?\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!).filter((url) => !url.startsWith('data:'));
}

describe('web console, as served', () => {
  let server: TestServer;
  let page: Response;
  let html: string;
  beforeAll(async () => {
    server = await startTestServer();
    page = await fetch(`${server.url}/`);
    html = await page.text();
  });
  afterAll(() => server?.close());

  it('is the page at /, loading only its own hashed files from this server: no CDN, works offline', async () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(html).not.toMatch(/https?:\/\//);
    const urls = loadedUrls(html);
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      expect(url).toMatch(/^\/console\/console-[A-Z0-9]{8}\.(js|css)$/);
      const asset = await fetch(new URL(url, server.url));
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('content-type'), url).toMatch(url.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(asset.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('x-content-type-options'), url).toBe('nosniff');
      const body = await asset.text();
      // Bundled, not fetched: no module specifier or URL of another origin left in the code.
      expect(body, url).not.toMatch(/(?:from|import)\s*["']https?:/);
    }
  });

  it('runs under a strict Content-Security-Policy: scripts from the server only, no inline script, never framed', () => {
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it('links to GraphiQL where the server serves it', () => {
    expect(html).toContain('<meta name="fngraph-graphiql" content="/graphql" />');
  });

  it('leaves every other path to the API: unknown console files and other routes are JSON 404s', async () => {
    for (const path of ['/console/nothing.js', '/console/../package.json', '/console/%2e%2e/index.html', '/index.html', '/functions']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
    }
    const post = await fetch(`${server.url}/`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('adds no runtime dependency to the server: the console’s libraries are build-time only', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const buildOnly of ['codemirror', '@codemirror/merge', '@codemirror/view', 'playwright-core']) {
      expect(manifest.dependencies[buildOnly], buildOnly).toBeUndefined();
      expect(manifest.devDependencies[buildOnly], buildOnly).toBeDefined();
    }
  });
});

describe('web console on a separate functions origin', () => {
  let server: TestServer;
  let functionsUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    functionsUrl = `http://127.0.0.1:${port}`;
    server = await startTestServer({ FNGRAPH_FUNCTIONS_PORT: String(port) });
  });
  afterAll(() => server?.close());

  it('is served on the API origin only, never beside untrusted function pages', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const [script] = loadedUrls(html);
    expect((await fetch(new URL(script!, server.url))).status).toBe(200);
    for (const path of ['/', script!]) expect((await fetch(`${functionsUrl}${path}`)).status, path).toBe(404);
  });
});

describe('web console in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production', FNGRAPH_GRAPHIQL: 'true' });
  });
  afterAll(() => server?.close());

  it('is served, without the link to GraphiQL (which production never serves)', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/graphiql/i);
  });
});

describe('web console turned off (FNGRAPH_CONSOLE=false)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_CONSOLE: 'false' });
  });
  afterAll(() => server?.close());

  it('is not served: / is the API’s JSON 404 again', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('NOT_FOUND');
  });
});
