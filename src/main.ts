import { AppConfig, ConfigError } from './config/app-config.js';
import { createServer, startServer } from './server.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnvironment(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const app = await createServer(config);
  await startServer(app, config);
}

void main();
