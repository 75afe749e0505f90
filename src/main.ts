import { AppConfig } from './kernel/config/app-config.js';
import { closeInheritedDescriptors } from './adapters/sandbox/process/inherited-descriptors.js';

async function main(): Promise<void> {
  // Sandbox processes would inherit them (see the function).
  closeInheritedDescriptors();
  const config = AppConfig.fromProcessOrExit();
  // Tracing patches the libraries as they load, so it starts before the server module
  // (Nest, Express, GraphQL, Mongoose, ioredis) is imported; hence the dynamic imports.
  const { otlpEndpoint, serviceName, traceSampleRatio } = config.observability;
  const tracing = otlpEndpoint
    ? (await import('./adapters/observability/tracing/tracing-sdk.js')).startTracing({
        serviceName,
        instanceId: config.nodeId,
        sampleRatio: traceSampleRatio,
        otlpEndpoint,
      })
    : null;
  const { createServer, startServer, stopOnSignals } = await import('./server.js');
  const app = await createServer(config, { onShutdown: async () => tracing?.shutdown() });
  stopOnSignals(app);
  await startServer(app, config);
}

void main();
