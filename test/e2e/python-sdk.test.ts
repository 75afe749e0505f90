import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKeyToken } from '../support/credentials.js';
import { graphqlData } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Uses the client as a user would; prints what it got as JSON. */
const SCRIPT = `
import base64, json, os
from fngraph import FngraphClient, FngraphError

url, key = os.environ["FNGRAPH_URL"], os.environ["FNGRAPH_KEY"]
client = FngraphClient(url, credential=key)
out = {}
code = base64.b64encode(b"export default async (event) => ({ hello: JSON.parse(event.body).name });").decode()
registered = client.register_function(input={"name": "py-sdk", "language": "javascript", "code": code, "metadata": {"tags": ["sdk"]}})
out["registered"] = registered["registerFunction"]
invoked = client.invoke_function(input={"name": "py-sdk", "payload": {"name": "Ada"}})["invokeFunction"]
out["invoked"] = invoked
out["read"] = client.invocation(id=invoked["id"])["invocation"]
out["listed"] = [fn["name"] for fn in client.functions(filter={"tag": "sdk"}, first=10)["functions"]["nodes"]]
out["runtimes"] = [r["id"] for r in client.runtimes()["runtimes"]]

def failure(call):
    try:
        call()
    except FngraphError as error:
        return {"code": error.code, "message": error.message}
    return None

out["badKey"] = failure(lambda: FngraphClient(url, credential=os.environ["BAD_KEY"]).runtimes())
out["badInput"] = failure(lambda: client.register_function(input={"name": "Not A Name", "language": "javascript", "code": code}))
out["missing"] = failure(lambda: client.function_by_name(name="no-such-function"))
out["unreachable"] = failure(lambda: FngraphClient("http://127.0.0.1:9", credential=key).runtimes())
print(json.dumps(out))
`;

describe('Python client (sdk/python)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('is generated from the committed schema and operations (run `npm run sdk:python` after changing them)', async () => {
    await expect(run('node', ['sdk/python/generate.mjs', '--check'], { cwd: ROOT })).resolves.toBeDefined();
  });

  it('registers, invokes, reads and lists against a real server, and raises FngraphError with the server’s codes', async () => {
    const { stdout } = await run('python3', ['-c', SCRIPT], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PYTHONDONTWRITEBYTECODE: '1',
        PYTHONPATH: `${ROOT}sdk/python`,
        FNGRAPH_URL: server.url,
        FNGRAPH_KEY: server.adminKey,
        BAD_KEY: newApiKeyToken(),
      },
    });
    const out = JSON.parse(stdout);
    expect(out.registered).toMatchObject({ name: 'py-sdk', language: 'javascript', latestVersion: { version: '1.0.0', buildStatus: 'READY' } });
    expect(out.invoked).toMatchObject({ status: 'SUCCEEDED', functionName: 'py-sdk', response: { hello: 'Ada' } });
    expect(out.read).toMatchObject({ id: out.invoked.id, status: 'SUCCEEDED' });
    expect(out.listed).toEqual(['py-sdk']);
    const { runtimes } = await graphqlData(server.url, '{ runtimes { id } }');
    expect(out.runtimes).toEqual(runtimes.map((runtime: { id: string }) => runtime.id));
    expect(out.badKey).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(out.badInput).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(out.missing).toMatchObject({ code: 'NOT_FOUND' });
    expect(out.unreachable.code).toBe('NETWORK_ERROR');
  });
});
