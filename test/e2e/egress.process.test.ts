import { describe, expect, it } from 'vitest';
import { graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startTestServer } from '../support/test-server.js';
import { egressSuite } from './egress.suite.js';

egressSuite('process');

describe('outbound network without bubblewrap', () => {
  it('refuses to run a version with network access (its policy could not be enforced), and runs the others', async () => {
    const server = await startTestServer({ FNGRAPH_EXECUTOR: 'process', FNGRAPH_SANDBOX_BWRAP_BINARY: '/nonexistent/bwrap' });
    try {
      const executionConfig = { timeout: 10, memoryLimit: 128, environmentVariables: {}, network: { enabled: true, allow: ['api.example.com'] } };
      await register(server.url, 'plain-online', 'exports.handler = async () => "ran"', { executionConfig });
      await register(server.url, 'plain-offline', 'exports.handler = async () => "ran"');
      const invoke = (name: string) =>
        graphqlData<{ invokeFunction: { status: string; error: { type: string; message: string } | null } }>(
          server.url,
          'mutation($name: String!) { invokeFunction(input: { name: $name }) { status error { type message } } }',
          { name },
        );
      const online = (await invoke('plain-online')).invokeFunction;
      expect(online.status).toBe('FAILED');
      expect(online.error).toEqual({ type: 'NetworkUnavailable', message: expect.stringContaining('needs bubblewrap') });
      expect((await invoke('plain-offline')).invokeFunction).toEqual({ status: 'SUCCEEDED', error: null });
    } finally {
      await server.close();
    }
  });
});
