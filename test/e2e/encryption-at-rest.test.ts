import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateMasterKeys } from '@/cli/rotate-keys.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { MasterKeyring } from '@/adapters/crypto/master-keyring.js';
import { graphqlData } from '../support/graphql-client.js';
import { register, registerRest, functionDocument } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Tests read the environment directly on purpose: it says which services this run has.
const mongoUri = process.env.MONGODB_URI?.trim() || undefined;
const servicesRequired = process.env.FNGRAPH_REQUIRE_SERVICES === '1';

const CODE_MARKER = `code-marker-${randomBytes(8).toString('hex')}`;
const SECRET_VALUE = `secret-value-${randomBytes(8).toString('hex')}`;
const PLAIN_VALUE = `plain-value-${randomBytes(8).toString('hex')}`;
const SOURCE = (n: number) =>
  `export default async () => ({ v: ${n}, marker: "${CODE_MARKER}".length, secretLength: process.env.API_TOKEN.length, modeLength: process.env.MODE.length });`;

const keyOf = () => randomBytes(32).toString('base64');
const fingerprint = (key: string) => MasterKeyring.fromKeys(Buffer.from(key, 'base64')).current.id;

/** Registers two versions with a secret and a plain variable; returns the function id. */
async function registerSecretive(server: TestServer, name: string): Promise<string> {
  const env = { API_TOKEN: { value: SECRET_VALUE, secret: true }, MODE: PLAIN_VALUE };
  const first = await register(server.url, name, SOURCE(1), { version: '1.0.0', executionConfig: { timeout: 5, memoryLimit: 128, environmentVariables: env } });
  await register(server.url, name, SOURCE(2), { executionConfig: { timeout: 5, memoryLimit: 128, environmentVariables: env } });
  return first.id;
}

async function expectInvocable(server: TestServer, name: string): Promise<void> {
  expect(await (await fetch(`${server.url}/fn/${name}`)).json()).toEqual({
    v: 2,
    marker: CODE_MARKER.length,
    secretLength: SECRET_VALUE.length,
    modeLength: PLAIN_VALUE.length,
  });
  expect((await (await fetch(`${server.url}/fn/${name}@1.0.0`)).json()).v).toBe(1);
  const data = await graphqlData(server.url, 'query($n: String!) { functionByName(name: $n) { latestVersion { code } } }', { n: name });
  expect(Buffer.from(data.functionByName.latestVersion.code, 'base64').toString()).toContain(CODE_MARKER);
}

function withDatabase(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

function expectNoPlaintext(bytes: Buffer, where: string): void {
  for (const needle of [CODE_MARKER, SECRET_VALUE, PLAIN_VALUE]) {
    expect(bytes.includes(Buffer.from(needle)), `${needle} found in ${where}`).toBe(false);
  }
}

describe('secret environment variables', () => {
  it('are never returned by the API; plain values only to those who may read the code', async () => {
    const server = await startTestServer();
    try {
      const { status, body } = await registerRest(
        server.url,
        functionDocument('env-api', SOURCE(1), {
          executionConfig: { timeout: 5, memoryLimit: 128, environmentVariables: { API_TOKEN: { value: SECRET_VALUE, secret: true }, MODE: PLAIN_VALUE } },
        }),
      );
      expect(status).toBe(201);
      expect(JSON.stringify(body)).not.toContain(SECRET_VALUE);
      expect(body.executionConfig.environmentVariables).toEqual([
        { name: 'API_TOKEN', secret: true, value: null },
        { name: 'MODE', secret: false, value: PLAIN_VALUE },
      ]);
      // The function, then each of its versions: variables of every version at once cost more
      // than one query may (a function may have many versions, each many variables).
      const readAll = async () => {
        const data = await graphqlData(
          server.url,
          '{ functionByName(name: "env-api") { executionConfig { environmentVariableNames environmentVariables { name secret value } } versions { version } } }',
        );
        const versions = await Promise.all(
          (data.functionByName.versions as Array<{ version: string }>).map(({ version }) =>
            graphqlData(
              server.url,
              `{ functionVersion(functionId: "${body.id}", version: "${version}") { executionConfig { environmentVariables { name value } } } }`,
            ),
          ),
        );
        return { data, versions };
      };
      const before = await readAll();
      expect(JSON.stringify(before)).not.toContain(SECRET_VALUE);
      expect(before.data.functionByName.executionConfig.environmentVariables).toEqual(body.executionConfig.environmentVariables);
      // An update that leaves the variables alone keeps them secret.
      await graphqlData(server.url, 'mutation { updateFunction(id: "' + body.id + '", input: { description: "again" }) { id } }');
      const after = await readAll();
      expect(after.versions).toHaveLength(2);
      expect(JSON.stringify(after)).not.toContain(SECRET_VALUE);
      expect(after.data.functionByName.executionConfig.environmentVariables[0]).toEqual({ name: 'API_TOKEN', secret: true, value: null });
      expect((await (await fetch(`${server.url}/fn/env-api`)).json()).secretLength).toBe(SECRET_VALUE.length);
      // The old document format (plain strings) still works.
      const legacy = await registerRest(
        server.url,
        functionDocument('env-legacy', SOURCE(1), { executionConfig: { environmentVariables: { API_TOKEN: 'x', MODE: 'y' } } }),
      );
      expect(legacy.body.executionConfig).toMatchObject({ environmentVariableNames: ['API_TOKEN', 'MODE'] });
      const bad = await registerRest(
        server.url,
        functionDocument('env-bad', SOURCE(1), { executionConfig: { environmentVariables: { A: { value: 'x', secret: 'yes' } } } }),
      );
      expect(bad.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});

describe('encryption at rest and key rotation: embedded SQLite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-rest-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores no plaintext code or variable values, and rotation keeps every function invocable', async () => {
    const oldKey = keyOf();
    const newKey = keyOf();
    const first = await startTestServer({ FNGRAPH_DATA_DIR: dataDir, FNGRAPH_MASTER_KEY: oldKey });
    try {
      await registerSecretive(first, 'rest-a');
      await registerSecretive(first, 'rest-b');
      await expectInvocable(first, 'rest-a');
    } finally {
      await first.close();
    }
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('fngraph.sqlite'))) expectNoPlaintext(readFileSync(join(dataDir, file)), file);

    // Servers move to the new key, keeping the old one for reading; rotation runs while one serves.
    const env = { FNGRAPH_DATA_DIR: dataDir, FNGRAPH_MASTER_KEY: newKey, FNGRAPH_PREVIOUS_MASTER_KEYS: oldKey };
    const serving = await startTestServer(env);
    try {
      await expectInvocable(serving, 'rest-a');
      const report = await rotateMasterKeys(AppConfig.fromEnvironment({ NODE_ENV: 'test', ...env }));
      expect(report).toMatchObject({ currentKeyId: fingerprint(newKey), rewrapped: 4, failed: [] });
      await expectInvocable(serving, 'rest-a');
      await expectInvocable(serving, 'rest-b');
      expect((await rotateMasterKeys(AppConfig.fromEnvironment({ NODE_ENV: 'test', ...env }))).rewrapped).toBe(0);
      const audit = await graphqlData(serving.url, '{ auditLog(filter: { action: "masterKey.rotate" }) { nodes { actorId details } } }');
      expect(audit.auditLog.nodes[0]).toMatchObject({ actorId: 'system:rotate-keys' });
    } finally {
      await serving.close();
    }

    // Without the old key, everything still opens: every data key was rewrapped.
    const onlyNew = await startTestServer({ FNGRAPH_DATA_DIR: dataDir, FNGRAPH_MASTER_KEY: newKey });
    try {
      await expectInvocable(onlyNew, 'rest-a');
      await expectInvocable(onlyNew, 'rest-b');
    } finally {
      await onlyNew.close();
    }
    expect(existsSync(join(dataDir, 'fngraph.sqlite'))).toBe(true);
  });
});

if (!mongoUri && servicesRequired) {
  describe('encryption at rest: MongoDB', () => {
    it('needs a MongoDB-protocol server', () => {
      throw new Error('MONGODB_URI is not set, and FNGRAPH_REQUIRE_SERVICES=1 forbids skipping');
    });
  });
} else {
  if (!mongoUri) console.warn('[encryption-at-rest.test] MONGODB_URI is not set: SKIPPING the MongoDB raw-document check');

  describe.skipIf(!mongoUri)('encryption at rest and key rotation: MongoDB', () => {
    const database = `fngraph_rest_${process.pid}_${Date.now().toString(36)}`;
    const uri = mongoUri ? withDatabase(mongoUri, database) : '';

    afterAll(async () => {
      const connection = await mongoose.createConnection(uri).asPromise();
      await connection.dropDatabase();
      await connection.close();
    });

    it('raw documents hold no plaintext code or variable values; rotation keeps every function invocable', async () => {
      const oldKey = keyOf();
      const newKey = keyOf();
      const first = await startTestServer({ MONGODB_URI: uri, FNGRAPH_MASTER_KEY: oldKey });
      try {
        await registerSecretive(first, 'mongo-a');
        await expectInvocable(first, 'mongo-a');
      } finally {
        await first.close();
      }
      const connection = await mongoose.createConnection(uri).asPromise();
      try {
        for (const { name } of await connection.db!.listCollections().toArray()) {
          const documents = await connection.db!.collection(name).find({}).toArray();
          expectNoPlaintext(Buffer.concat(documents.map((d) => Buffer.from(mongoose.mongo.BSON.serialize(d)))), `collection ${name}`);
        }
        const versions = await connection.db!.collection('function_versions').find({}).toArray();
        expect(versions.map((v) => v.sealed.keyId)).toEqual([fingerprint(oldKey), fingerprint(oldKey)]);

        const env = { MONGODB_URI: uri, FNGRAPH_MASTER_KEY: newKey, FNGRAPH_PREVIOUS_MASTER_KEYS: oldKey };
        const serving = await startTestServer(env);
        try {
          const report = await rotateMasterKeys(AppConfig.fromEnvironment({ NODE_ENV: 'test', ...env }));
          expect(report).toMatchObject({ rewrapped: 2, failed: [] });
          await expectInvocable(serving, 'mongo-a');
        } finally {
          await serving.close();
        }
        const rotated = await connection.db!.collection('function_versions').find({}).toArray();
        expect(rotated.map((v) => v.sealed.keyId)).toEqual([fingerprint(newKey), fingerprint(newKey)]);
        // The ciphertext is untouched: only the data keys were rewrapped.
        expect(rotated.map((v) => Buffer.from(v.sealed.ciphertext.buffer).toString('hex'))).toEqual(
          versions.map((v) => Buffer.from(v.sealed.ciphertext.buffer).toString('hex')),
        );
      } finally {
        await connection.close();
      }
      const onlyNew = await startTestServer({ MONGODB_URI: uri, FNGRAPH_MASTER_KEY: newKey });
      try {
        await expectInvocable(onlyNew, 'mongo-a');
      } finally {
        await onlyNew.close();
      }
    });
  });
}
