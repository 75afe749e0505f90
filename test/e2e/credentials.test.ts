import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { statSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { As } from '../support/credentials.js';
import { register } from '../support/functions.js';
import { graphql, graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { createKey, gqlOutcome, hsToken, HS_SECRET, httpOutcome, JWT_AUDIENCE, JWT_ISSUER, keyId } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SOURCE = 'export default async () => "ran"';
const LOGS = 'subscription($id: ID!) { invocationLogs(invocationId: $id) { seq } }';

/** What a credential gets on every path: GraphQL, REST, both function endpoints, a WebSocket connection. */
async function everyPath(server: TestServer, as: As, ids: { privateFn: string; publicFn: string; invocation: string }): Promise<Record<string, string>> {
  const client = wsClient(server.url, {}, as);
  let ws: string;
  try {
    await subscribe(client, LOGS, { id: ids.invocation }).done;
    ws = 'ok';
  } catch (error) {
    const message = (error as Error).message;
    ws = /closed 4401/.test(message) ? 'UNAUTHENTICATED' : message;
  } finally {
    await client.dispose();
  }
  return {
    graphql: await gqlOutcome(server.url, '{ functions { nodes { id } } }', {}, as),
    rest: await httpOutcome(server.url, '/functions/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, as),
    execute: await httpOutcome(server.url, `/execute/${ids.privateFn}`, { method: 'POST' }, as),
    fnPublic: await httpOutcome(server.url, `/fn/${ids.publicFn}`, {}, as),
    ws,
  };
}

const REFUSED = { graphql: 'UNAUTHENTICATED', rest: 'UNAUTHENTICATED', execute: 'UNAUTHENTICATED', fnPublic: 'UNAUTHENTICATED', ws: 'UNAUTHENTICATED' };

async function setUp(server: TestServer) {
  const priv = await register(server.url, 'private-fn', SOURCE, { metadata: { permissions: { public: false } } });
  await register(server.url, 'public-fn', SOURCE);
  const invoked = await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { id } }', { id: priv.id });
  return { privateFn: priv.id, publicFn: 'public-fn', invocation: invoked.invokeFunction.id };
}

describe('API keys', () => {
  let server: TestServer;
  let ids: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    server = await startTestServer();
    ids = await setUp(server);
  });
  afterAll(() => server.close());

  it('a valid admin key works on every path', async () => {
    expect(await everyPath(server, undefined, ids)).toEqual({ graphql: 'ok', rest: 'BAD_USER_INPUT', execute: 'ok', fnPublic: 'ok', ws: 'ok' });
  });

  it('refuses forged, malformed, expired and revoked keys on every path', async () => {
    const real = await createKey(server.url, 'kim', ['admin']);
    const [, prefix] = real.split('_');
    const forged = `fng_${prefix}_${randomBytes(32).toString('base64url')}`;
    const unknown = `fng_${'a'.repeat(12)}_${randomBytes(32).toString('base64url')}`;
    expect(await everyPath(server, forged, ids)).toEqual(REFUSED);
    expect(await everyPath(server, unknown, ids)).toEqual(REFUSED);
    expect(await everyPath(server, 'fng_short', ids)).toEqual(REFUSED);

    const expiring = await createKey(server.url, 'kim', ['admin'], { expiresAt: new Date(Date.now() + 1500) });
    expect((await everyPath(server, expiring, ids)).graphql).toBe('ok');
    await new Promise((r) => setTimeout(r, 1600));
    expect(await everyPath(server, expiring, ids)).toEqual(REFUSED);

    expect((await everyPath(server, real, ids)).graphql).toBe('ok');
    await graphqlData(server.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: await keyId(server.url, real) });
    expect(await everyPath(server, real, ids)).toEqual(REFUSED);
  });

  it('answers 401 with WWW-Authenticate and a GraphQL-shaped body on /graphql', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer fng_nope' },
      body: JSON.stringify({ query: '{ me { kind } }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const basic = await gqlOutcome(server.url, '{ me { kind } }', {}, null);
    expect(basic).toBe('ok');
    const response2 = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify({ query: '{ me { kind } }' }),
    });
    expect(response2.status).toBe(401);
  });

  it('shows the secret once, stores only its hash, and accepts X-API-Key', async () => {
    const created = await graphqlData(
      server.url,
      'mutation { createApiKey(input: { name: "ci", roles: ["viewer"], ownerId: "ci-bot" }) { secret apiKey { id prefix ownerId roles } } }',
    );
    const { secret, apiKey } = created.createApiKey;
    expect(secret).toMatch(/^fng_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    // The secret part is base64url and may itself contain '_', so cut after the prefix.
    const secretPart = secret.slice('fng_'.length + apiKey.prefix.length + 1);
    expect(apiKey).toMatchObject({ ownerId: 'ci-bot', roles: ['viewer'] });
    const listed = await graphqlData(server.url, '{ apiKeys(ownerId: "ci-bot") { nodes { id prefix lastUsedAt } } }');
    expect(JSON.stringify(listed)).not.toContain(secretPart);

    const me = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': secret },
      body: JSON.stringify({ query: '{ me { kind subject roles } }' }),
    });
    expect((await me.json()).data.me).toEqual({ kind: 'apiKey', subject: 'ci-bot', roles: ['viewer'] });

    const raw = new Database(join(server.config.dataDir, 'fngraph.sqlite'), { readonly: true });
    try {
      const rows = raw.prepare('SELECT * FROM api_keys').all();
      expect(JSON.stringify(rows)).not.toContain(secretPart);
      expect(JSON.stringify(rows)).toContain(apiKey.prefix);
    } finally {
      raw.close();
    }
  });

  it('refuses two credentials at once and never passes consumed credentials to a function', async () => {
    const both = await fetch(`${server.url}/fn/public-fn`, { headers: { authorization: `Bearer ${server.adminKey}`, 'x-api-key': server.adminKey } });
    expect(both.status).toBe(401);

    await register(server.url, 'header-echo', 'export default async (event) => event.headers');
    const withKey = await (await fetch(`${server.url}/fn/header-echo`, { headers: { 'x-api-key': server.adminKey, 'x-other': '1' } })).json();
    expect(withKey).not.toHaveProperty('x-api-key');
    expect(withKey['x-other']).toBe('1');
    const withBearer = await (await fetch(`${server.url}/fn/header-echo`, { headers: { authorization: `Bearer ${server.adminKey}` } })).json();
    expect(withBearer).not.toHaveProperty('authorization');
    // A bearer value that cannot be ours belongs to the function.
    const theirs = await (await fetch(`${server.url}/fn/header-echo`, { headers: { authorization: 'Bearer their-own-token' } })).json();
    expect(theirs.authorization).toBe('Bearer their-own-token');
  });

  it('non-admins manage only their own keys, and a key cannot outlive an expiring creator', async () => {
    const dev = await createKey(server.url, 'dora', ['developer', 'invoker']);
    const own = await graphqlData(
      server.url,
      'mutation { createApiKey(input: { name: "sub", roles: ["invoker"] }) { secret apiKey { id ownerId } } }',
      {},
      dev,
    );
    expect(own.createApiKey.apiKey.ownerId).toBe('dora');
    const mine = await graphqlData(server.url, '{ apiKeys { nodes { ownerId } } }', {}, dev);
    expect(new Set(mine.apiKeys.nodes.map((k: { ownerId: string }) => k.ownerId))).toEqual(new Set(['dora']));
    expect(await gqlOutcome(server.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: own.createApiKey.apiKey.id }, dev)).toBe('ok');

    const expiring = await createKey(server.url, 'eve', ['developer'], { expiresAt: new Date(Date.now() + 60_000) });
    expect(await gqlOutcome(server.url, 'mutation { createApiKey(input: { name: "forever", roles: ["developer"] }) { secret } }', {}, expiring)).toBe(
      'FORBIDDEN',
    );
  });

  it('validates key inputs: names, roles, owners, expiry', async () => {
    const bad = [
      '{ name: "", roles: ["viewer"] }',
      '{ name: "x\\u0007", roles: ["viewer"] }',
      '{ name: "x", roles: [] }',
      '{ name: "x", roles: ["root"] }',
      '{ name: "x", roles: ["viewer", "viewer"] }',
      '{ name: "x", roles: ["viewer"], ownerId: "has space" }',
      '{ name: "x", roles: ["viewer"], ownerId: "system:cli" }',
      '{ name: "x", roles: ["viewer"], expiresAt: "2000-01-01T00:00:00Z" }',
    ];
    for (const input of bad) {
      expect(await gqlOutcome(server.url, `mutation { createApiKey(input: ${input}) { secret } }`, {}, undefined), input).toBe('BAD_USER_INPUT');
    }
    expect(await gqlOutcome(server.url, 'mutation { revokeApiKey(id: "not-an-id") { id } }', {}, undefined)).toBe('BAD_USER_INPUT');
    expect(await gqlOutcome(server.url, '{ apiKeys(ownerId: "a b") { nodes { id } } }', {}, undefined)).toBe('BAD_USER_INPUT');
  });
});

describe('first start without any key', () => {
  it('creates an admin key, prints it once and writes it to <dataDir>/admin.key (0600)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-bootstrap-'));
    const server = await startTestServer({ FNGRAPH_DATA_DIR: dataDir, FNGRAPH_BOOTSTRAP_ADMIN_KEY: '' });
    try {
      const file = join(dataDir, 'admin.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const key = readFileSync(file, 'utf8').trim();
      expect((await graphqlData(server.url, '{ me { subject roles } }', {}, key)).me).toEqual({ subject: 'admin', roles: ['admin'] });
    } finally {
      await server.close();
    }
    // A restart with keys in the store creates none.
    const again = await startTestServer({ FNGRAPH_DATA_DIR: dataDir, FNGRAPH_BOOTSTRAP_ADMIN_KEY: '' });
    try {
      const keys = await graphqlData(again.url, '{ apiKeys { nodes { id } } }', {}, readFileSync(join(dataDir, 'admin.key'), 'utf8').trim());
      expect(keys.apiKeys.nodes).toHaveLength(1);
    } finally {
      await again.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('JWT (HS256)', () => {
  let server: TestServer;
  let ids: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    server = await startTestServer({
      FNGRAPH_JWT_SECRET: HS_SECRET,
      FNGRAPH_JWT_ISSUER: JWT_ISSUER,
      FNGRAPH_JWT_AUDIENCE: JWT_AUDIENCE,
      FNGRAPH_JWT_ROLES_CLAIM: 'app.roles',
    });
    ids = await setUp(server);
  });
  afterAll(() => server.close());

  it('accepts a valid token on every path, with roles from the configured claim', async () => {
    const token = await hsToken({ sub: 'jay', app: { roles: ['admin', 'unknown-role'] } });
    expect(await everyPath(server, token, ids)).toEqual({ graphql: 'ok', rest: 'BAD_USER_INPUT', execute: 'ok', fnPublic: 'ok', ws: 'ok' });
    expect((await graphqlData(server.url, '{ me { kind subject roles expiresAt } }', {}, token)).me).toMatchObject({
      kind: 'jwt',
      subject: 'jay',
      roles: ['admin'],
    });
  });

  it('refuses expired, wrong-audience, wrong-issuer, wrongly signed, unsigned and subject-less tokens on every path', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'jay', app: { roles: ['admin'] } };
    const tokens = {
      expired: await hsToken(claims, { expiresIn: now - 60 }),
      audience: await hsToken(claims, { audience: 'someone-else' }),
      issuer: await hsToken(claims, { issuer: 'https://evil.test' }),
      secret: await hsToken(claims, { secret: 'another-secret-that-is-also-32-bytes-long' }),
      none: `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
        JSON.stringify({ ...claims, iss: JWT_ISSUER, aud: JWT_AUDIENCE, exp: now + 600 }),
      ).toString('base64url')}.`,
      noSubject: await hsToken({ app: { roles: ['admin'] } }),
      badSubject: await hsToken({ sub: 'has space', app: { roles: ['admin'] } }),
      noExpiry: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .sign(new TextEncoder().encode(HS_SECRET)),
    };
    for (const [label, token] of Object.entries(tokens)) {
      expect(await everyPath(server, token, ids), label).toEqual(REFUSED);
    }
  });

  it('closes a subscription when its token expires', async () => {
    await register(
      server.url,
      'long-logger',
      'export default async () => { for (let i = 0; i < 40; i++) { console.log("l" + i); await new Promise((r) => setTimeout(r, 100)); } }',
    );
    const { invokeFunction } = await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "long-logger", async: true }) { id } }');
    const token = await hsToken({ sub: 'jay', app: { roles: ['admin'] } }, { expiresIn: Math.floor(Date.now() / 1000) + 2 });
    const client = wsClient(server.url, {}, token);
    try {
      const { done, received } = subscribe(client, LOGS, { id: invokeFunction.id });
      await expect(done).rejects.toThrow(/closed 4401: Credential expired/);
      expect(received.length).toBeGreaterThan(0);
      expect(received.length).toBeLessThan(40);
    } finally {
      await client.dispose();
    }
  });
});

describe('JWT (RS256 public key, JWKS file, JWKS URL)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const servers: TestServer[] = [];
  let jwksServer: Server;
  let dir: string;

  const rsToken = (claims: Record<string, unknown>, kid?: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) })
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fngraph-jwks-'));
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
    jwksServer = createHttpServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const port = (jwksServer.address() as { port: number }).port;
    const common = { FNGRAPH_JWT_ISSUER: JWT_ISSUER, FNGRAPH_JWT_AUDIENCE: JWT_AUDIENCE };
    servers.push(await startTestServer({ ...common, FNGRAPH_JWT_PUBLIC_KEY: pem }));
    servers.push(await startTestServer({ ...common, FNGRAPH_JWT_JWKS_FILE: join(dir, 'jwks.json') }));
    servers.push(await startTestServer({ ...common, FNGRAPH_JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` }));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await new Promise((resolve) => jwksServer.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts RS256 tokens and refuses HS256 tokens made with the public key (algorithm confusion)', async () => {
    const confused = await new SignJWT({ sub: 'mallory', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(pem));
    for (const server of servers) {
      const good = await rsToken({ sub: 'rita', roles: ['viewer'] }, 'k1');
      expect((await graphqlData(server.url, '{ me { subject roles } }', {}, good)).me).toEqual({ subject: 'rita', roles: ['viewer'] });
      expect(await gqlOutcome(server.url, '{ me { subject } }', {}, confused)).toBe('UNAUTHENTICATED');
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const foreign = await new SignJWT({ sub: 'rita' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setExpirationTime('5m')
        .sign(other);
      expect(await gqlOutcome(server.url, '{ me { subject } }', {}, foreign)).toBe('UNAUTHENTICATED');
    }
  });

  it('ignores JWT-looking bearer values on a function endpoint only when JWTs are not configured', async () => {
    const server = servers[0]!;
    await register(server.url, 'public-echo', 'export default async (event) => event.headers.authorization ?? null');
    const response = await fetch(`${server.url}/fn/public-echo`, { headers: { authorization: 'Bearer aaa.bbb.ccc' } });
    expect(response.status).toBe(401);
    const plain = await graphql(server.url, '{ me { kind } }', {}, null);
    expect(plain.data?.me).toEqual({ kind: 'anonymous' });
  });
});
