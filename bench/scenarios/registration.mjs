// Registration throughput: new versions per second of one function, without
// dependencies and with a dependency set already in the cache (the build then only
// checks the cache), until each version is READY.
import { graphql, nowMs, registerFunction, startServer } from '../lib/server.mjs';
import { SERVER_CPU } from '../lib/wrk.mjs';

async function waitReady(server, functionId, version) {
  for (;;) {
    const { functionVersion } = await graphql(
      server.url,
      'query($f: ID!, $v: String!) { functionVersion(functionId: $f, version: $v) { buildStatus } }',
      { f: functionId, v: version },
      server.headers,
    );
    if (functionVersion.buildStatus !== 'BUILDING') return functionVersion.buildStatus;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function versionsPerSecond(server, name, count, extra) {
  const started = nowMs();
  for (let i = 0; i < count; i++) {
    const registered = await registerFunction(server.url, name, `export default async () => ${i};`, extra, server.headers);
    const status = await waitReady(server, registered.id, registered.version);
    if (status !== 'READY') throw new Error(`version ${registered.version} of ${name} ended ${status}`);
  }
  return Math.round((count / ((nowMs() - started) / 1000)) * 10) / 10;
}

export async function registrationScenario({ count, serverEnv }) {
  const server = await startServer(serverEnv, { cpu: SERVER_CPU });
  try {
    const withDependencies = { metadata: { dependencies: { 'is-number': '7.0.0' } } };
    const firstBuildStarted = nowMs();
    const first = await registerFunction(server.url, 'with-deps', 'export default async () => 0;', withDependencies, server.headers);
    await waitReady(server, first.id, first.version);
    const firstBuildMs = Math.round(nowMs() - firstBuildStarted);
    return {
      rows: [
        { case: 'no dependencies', versionsPerSecond: await versionsPerSecond(server, 'plain', count, {}) },
        { case: 'dependency set already built (cache hit)', versionsPerSecond: await versionsPerSecond(server, 'with-deps', count, withDependencies) },
        { case: 'first build of a dependency set (npm install of is-number), ms', value: firstBuildMs },
      ],
    };
  } finally {
    await server.stop();
  }
}
