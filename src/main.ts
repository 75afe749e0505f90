import { AppConfig, ConfigError } from './config/app-config.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnvironment(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  // Tracing patches the libraries as they load, so it starts before the server module
  // (Nest, Express, GraphQL, Mongoose, ioredis) is imported; hence the dynamic imports.
  const { otlpEndpoint, serviceName, traceSampleRatio } = config.observability;
  const tracing = otlpEndpoint
    ? (await import('./infrastructure/observability/tracing/tracing-sdk.js')).startTracing({ serviceName, sampleRatio: traceSampleRatio, otlpEndpoint })
    : null;
  const { createServer, startServer } = await import('./server.js');
  const app = await createServer(config, { onShutdown: async () => tracing?.shutdown() });
  await startServer(app, config);
}

void main();
