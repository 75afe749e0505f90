import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { rotateMasterKeys } from '@/cli/rotate-keys.js';
import { newApiKeyToken } from '../support/credentials.js';
import { register } from '../support/functions.js';
import { graphqlData } from '../support/graphql-client.js';
import { startServerProcess } from '../support/server-process.js';
import { MONGODB_URI, skipWithout } from '../support/services.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const BASIC = `Basic ${Buffer.from('someone:hunter2-basic-secret').toString('base64')}`;
const COOKIE = 'session=cookie-secret-4711';
/** Echoes what it received, and logs the body. */
const ECHO = `export default async (event) => { console.log("body " + event.body); return { authorization: event.headers.authorization ?? null, cookie: event.headers.cookie ?? null, body: event.body }; }`;
/** What sandboxes and builds (another user, when the tests run as root) need on the data directory to reach the dependency cache inside. */
const expectedDirMode = process.getuid?.() === 0 ? 0o711 : 0o700;
const mode = (path: string) => statSync(path).mode & 0o777;

function storeFiles(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => /\.sqlite(-wal|-shm|-journal)?$/.test(name) || name.endsWith('.key'))
    .map((name) => join(dataDir, name));
}

describe('data at rest: file modes', () => {
  it('makes the data directory private and every store and key file 0600, also when an older version left them readable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-modes-'));
    try {
      chmodSync(dataDir, 0o755);
      const first = await startTestServer({ FNGRAPH_DATA_DIR: dataDir, FNGRAPH_BOOTSTRAP_ADMIN_KEY: '' });
      const adminKey = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
      await register(first.url, 'moded', ECHO, {}, adminKey);
      await graphqlData(first.url, 'mutation { invokeFunction(input: { name: "moded", async: true }) { id } }', {}, adminKey);
      const files = storeFiles(dataDir);
      expect(files.map((f) => f.slice(dataDir.length + 1)).sort()).toEqual(
        expect.arrayContaining(['admin.key', 'fngraph.sqlite', 'fngraph.sqlite-shm', 'fngraph.sqlite-wal', 'queue.sqlite', 'queue.sqlite-wal']),
      );
      expect(Object.fromEntries(files.map((f) => [f, mode(f)]))).toEqual(Object.fromEntries(files.map((f) => [f, 0o600])));
      expect(mode(dataDir)).toBe(expectedDirMode);
      await first.close();

      // An installation from before: world-readable directory and databases (its key files were
      // always 0600). The next start closes them.
      chmodSync(dataDir, 0o755);
      for (const file of storeFiles(dataDir).filter((f) => f.includes('.sqlite'))) chmodSync(file, 0o644);
      const again = await startTestServer({ FNGRAPH_DATA_DIR: dataDir, FNGRAPH_BOOTSTRAP_ADMIN_KEY: '' });
      try {
        for (const file of storeFiles(dataDir)) expect([file, mode(file)]).toEqual([file, 0o600]);
        expect(mode(dataDir)).toBe(expectedDirMode);
        // The dependency cache stays reachable: sandboxes run as another user.
        if (existsSync(join(dataDir, 'dependencies'))) expect(mode(join(dataDir, 'dependencies')) & 0o005).toBe(0o005);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('data at rest: the bootstrap admin key', () => {
  it('is written to its file (0600) and never to the log in production', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-prod-'));
    const server = await startServerProcess({
      NODE_ENV: 'production',
      FNGRAPH_DATA_DIR: dataDir,
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
      FNGRAPH_LOG_LEVEL: 'info',
    });
    try {
      const file = join(dataDir, 'admin.key');
      expect(mode(file)).toBe(0o600);
      const key = readFileSync(file, 'utf8').trim();
      expect(key).toMatch(/^fng_/);
      const [, prefix, secret] = key.split('_');
      const output = server.output();
      expect(output).not.toContain(secret!);
      expect(output).not.toContain(prefix!);
      expect(output).toContain(file);
      expect((await graphqlData(server.url, '{ me { subject } }', {}, key)).me.subject).toBe('admin');
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('data at rest: invocation records', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fngraph-records-'));
    chmodSync(dataDir, 0o711);
    mkdirSync(dataDir, { recursive: true });
    server = await startTestServer({
      FNGRAPH_DATA_DIR: dataDir,
      FNGRAPH_INVOCATION_PAYLOAD_RETENTION_DAYS: '7',
      FNGRAPH_INVOCATION_PURGE_INTERVAL_SECONDS: '1',
    });
    await register(server.url, 'echo', ECHO);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const readRow = (id: string) => {
    const db = new Database(join(dataDir, 'fngraph.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT * FROM invocations WHERE id = ?').get(id) as Record<string, unknown>;
    } finally {
      db.close();
    }
  };

  it('the function gets Basic credentials and cookies, the stored record (and the queue) only "[redacted]"', async () => {
    const response = await fetch(`${server.url}/fn/echo`, {
      method: 'POST',
      headers: { authorization: BASIC, cookie: COOKIE, 'content-type': 'text/plain', prefer: 'respond-async' },
      body: 'queued body',
    });
    expect(response.status).toBe(202);
    const queuedId = response.headers.get('x-fngraph-invocation-id')!;
    const sync = await fetch(`${server.url}/fn/echo`, { method: 'POST', headers: { authorization: BASIC, cookie: COOKIE }, body: 'hello' });
    expect(await sync.json()).toEqual({ authorization: BASIC, cookie: COOKIE, body: 'hello' });
    const id = sync.headers.get('x-fngraph-invocation-id')!;
    await waitFor(async () => (await invocation(queuedId)).status === 'SUCCEEDED');
    expect((await invocation(queuedId)).response).toEqual({ authorization: BASIC, cookie: COOKIE, body: 'queued body' });
    for (const row of [readRow(id), readRow(queuedId)]) {
      const headers = JSON.parse(row.request as string).headers;
      expect(headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
    }
    // The stored request never holds them; nothing in the data directory does, apart from
    // the function's own result (which it chose to return).
    for (const file of readdirSync(dataDir).filter((name) => name.startsWith('queue.sqlite'))) {
      const raw = readFileSync(join(dataDir, file));
      expect([file, raw.includes('hunter2-basic-secret'), raw.includes(Buffer.from('someone:hunter2-basic-secret').toString('base64'))]).toEqual([
        file,
        false,
        false,
      ]);
      expect([file, raw.includes('cookie-secret-4711')]).toEqual([file, false]);
    }
  });

  it('removes bodies, responses and logs of records older than the retention, keeping their metadata', async () => {
    const old = await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "echo", payload: "old-secret-payload" }) { id status } }');
    const fresh = await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "echo", payload: "fresh-payload" }) { id status } }');
    expect(old.invokeFunction.status).toBe('SUCCEEDED');
    const oldId = old.invokeFunction.id as string;
    const freshId = fresh.invokeFunction.id as string;
    await waitFor(async () => readRow(oldId)?.status === 'SUCCEEDED' && readRow(freshId)?.status === 'SUCCEEDED');
    // Eight days ago, as far as the store knows.
    const db = new Database(join(dataDir, 'fngraph.sqlite'));
    try {
      const eightDaysAgo = Date.now() - 8 * 86_400_000;
      db.prepare('UPDATE invocations SET queued_at = ?, started_at = ?, finished_at = ? WHERE id = ?').run(eightDaysAgo, eightDaysAgo, eightDaysAgo + 5, oldId);
    } finally {
      db.close();
    }
    await waitFor(async () => !(readRow(oldId).request as string).includes('old-secret-payload'));
    const purged = readRow(oldId);
    expect(JSON.stringify(purged)).not.toContain('old-secret-payload');
    expect(JSON.parse(purged.logs as string)).toEqual([]);
    expect(purged.response).toBeNull();
    expect(purged).toMatchObject({ status: 'SUCCEEDED', function_name: 'echo', version: '1.0.0' });
    expect(purged.duration_ms).not.toBeNull();
    const shown = await invocation(oldId);
    expect(shown).toMatchObject({ status: 'SUCCEEDED', response: null, logs: [] });
    // A recent record keeps everything.
    expect(readRow(freshId).request as string).toContain('fresh-payload');
    expect((await invocation(freshId)).logs).toHaveLength(1);
  });

  async function invocation(id: string) {
    return (await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status response logs { message } } }', { id })).invocation;
  }
});

describe('data at rest: sealed invocation data (FNGRAPH_SEAL_INVOCATION_DATA)', () => {
  const SECRET = 'sealed-secret-payload-0815';

  async function callAndRead(server: TestServer): Promise<string> {
    const response = await fetch(`${server.url}/fn/echo`, { method: 'POST', headers: { 'x-custom': `${SECRET}-header` }, body: SECRET });
    expect((await response.json()).body).toBe(SECRET);
    const id = response.headers.get('x-fngraph-invocation-id')!;
    await waitFor(async () => (await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status } }', { id })).invocation.status === 'SUCCEEDED');
    // Those allowed to read it see it whole.
    const shown = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { request { body headers } response logs { message } } }', { id });
    expect(shown.invocation).toMatchObject({
      request: { body: SECRET, headers: { 'x-custom': `${SECRET}-header` } },
      response: { body: SECRET },
      logs: [{ message: `body ${SECRET}` }],
    });
    return id;
  }

  it('SQLite: the raw database and WAL hold no plaintext body, header, response or log line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-sealed-'));
    chmodSync(dataDir, 0o711);
    const server = await startTestServer({ FNGRAPH_DATA_DIR: dataDir, FNGRAPH_SEAL_INVOCATION_DATA: 'true' });
    try {
      await register(server.url, 'echo', ECHO);
      await callAndRead(server);
      // Every record write has reached the files (the recorder batches them).
      await new Promise((r) => setTimeout(r, 500));
      for (const file of readdirSync(dataDir).filter((name) => name.startsWith('fngraph.sqlite'))) {
        expect([file, readFileSync(join(dataDir, file)).includes(SECRET)]).toEqual([file, false]);
      }
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rotate-keys rewraps sealed payloads: they stay readable once the old master key is dropped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-sealed-rotate-'));
    chmodSync(dataDir, 0o711);
    const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const base = { FNGRAPH_DATA_DIR: dataDir, FNGRAPH_SEAL_INVOCATION_DATA: 'true', FNGRAPH_BOOTSTRAP_ADMIN_KEY: newApiKeyToken() };
    try {
      const before = await startTestServer({ ...base, FNGRAPH_MASTER_KEY: oldKey });
      let id: string;
      try {
        await register(before.url, 'echo', ECHO);
        id = await callAndRead(before);
      } finally {
        await before.close();
      }
      const report = await rotateMasterKeys(
        AppConfig.fromEnvironment({ NODE_ENV: 'test', ...base, FNGRAPH_MASTER_KEY: newKey, FNGRAPH_PREVIOUS_MASTER_KEYS: oldKey }),
      );
      expect(report).toMatchObject({ invocationPayloadsRewrapped: 1, invocationPayloadsFailed: [] });
      const after = await startTestServer({ ...base, FNGRAPH_MASTER_KEY: newKey });
      try {
        const shown = await graphqlData(after.url, 'query($id: ID!) { invocation(id: $id) { request { body } response } }', { id });
        expect(shown.invocation).toEqual({ request: { body: SECRET }, response: { authorization: null, cookie: null, body: SECRET } });
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(skipWithout('MongoDB', MONGODB_URI))('MongoDB: the raw invocation document holds no plaintext', async () => {
    const uri = withDatabase(MONGODB_URI!, `fngraph_sealed_${process.pid}_${Date.now().toString(36)}`);
    const server = await startTestServer({ MONGODB_URI: uri, FNGRAPH_SEAL_INVOCATION_DATA: 'true' });
    let id: string;
    try {
      await register(server.url, 'echo', ECHO);
      id = await callAndRead(server);
    } finally {
      await server.close();
    }
    const connection = await mongoose.createConnection(uri).asPromise();
    try {
      const document = await connection.db!.collection('invocations').findOne({ _id: id as never });
      expect(document).not.toBeNull();
      expect(Buffer.from(mongoose.mongo.BSON.serialize(document!)).includes(SECRET)).toBe(false);
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  });
});

describe.skipIf(skipWithout('MongoDB', MONGODB_URI))('data at rest: invocation records in MongoDB', () => {
  const uri = MONGODB_URI ? withDatabase(MONGODB_URI, `fngraph_redact_${process.pid}_${Date.now().toString(36)}`) : '';
  afterAll(async () => {
    const connection = await mongoose.createConnection(uri).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  it('stores Basic credentials and cookies only as "[redacted]" while the function gets them', async () => {
    const server = await startTestServer({ MONGODB_URI: uri });
    let id: string;
    try {
      await register(server.url, 'echo', ECHO);
      const response = await fetch(`${server.url}/fn/echo`, { method: 'POST', headers: { authorization: BASIC, cookie: COOKIE }, body: 'hello' });
      expect(await response.json()).toEqual({ authorization: BASIC, cookie: COOKIE, body: 'hello' });
      id = response.headers.get('x-fngraph-invocation-id')!;
      await waitFor(
        async () => (await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status } }', { id })).invocation.status === 'SUCCEEDED',
      );
    } finally {
      await server.close();
    }
    const connection = await mongoose.createConnection(uri).asPromise();
    try {
      const document = await connection.db!.collection('invocations').findOne({ _id: id as never });
      expect(JSON.parse(document!.request as string).headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
      const request = Buffer.from(document!.request as string);
      expect(request.includes('hunter2-basic-secret') || request.includes(Buffer.from('someone:hunter2-basic-secret').toString('base64'))).toBe(false);
      expect(request.includes('cookie-secret-4711')).toBe(false);
    } finally {
      await connection.close();
    }
  });
});

function withDatabase(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
