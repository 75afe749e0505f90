import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Every URL a page loads by itself: scripts, style sheets, icons, frames. */
function loadedUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*?\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
}

describe('GraphiQL (outside production)', () => {
  let server: TestServer;
  let page: Response;
  let html: string;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_GRAPHIQL: 'true' });
    page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    html = await page.text();
  });
  afterAll(() => server?.close());

  it('is served at /graphql to browsers, from the server itself: no CDN, works offline', async () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const urls = loadedUrls(html);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    expect(html).not.toMatch(/https?:\/\//);
    for (const url of urls) {
      expect(url.startsWith('/')).toBe(true);
      const asset = await fetch(new URL(url, server.url));
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('content-type'), url).toMatch(url.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/);
      expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(1000);
    }
  });

  it('has a strict Content-Security-Policy: scripts from the server only, no inline script, no framing', () => {
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('never persists the headers (where the credential goes), says a key is needed, and speaks graphql-ws', async () => {
    const start = loadedUrls(html).find((url) => /graphiql-start/.test(url)) as string;
    expect(start).toBeDefined();
    const script = await (await fetch(new URL(start, server.url))).text();
    expect(script).toContain('shouldPersistHeaders: false');
    expect(script).toMatch(/storage:/);
    expect(script).toMatch(/subscriptionUrl/);
    expect(html + script).toMatch(/API key/i);
  });

  it('leaves POSTed operations and non-browser GETs to GraphQL', async () => {
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('GraphiQL in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production', FNGRAPH_GRAPHIQL: 'true' });
  });
  afterAll(() => server?.close());

  it('is not served, nor are its assets', async () => {
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    expect((await fetch(`${server.url}/graphiql/graphiql.min.js`)).status).toBe(404);
  });
});
