import Docker from 'dockerode';
import { describe, it } from 'vitest';
import { dockerConnectionOptions } from '@/adapters/sandbox/docker/docker-connection.js';

// Tests read the environment directly on purpose: it says which services this run has.
export const servicesRequired = process.env.FNGRAPH_REQUIRE_SERVICES === '1';
export const dockerHost = process.env.FNGRAPH_DOCKER_HOST?.trim() || process.env.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock';

/** Whether a Docker engine answers at `dockerHost` within a few seconds. */
export async function dockerAnswers(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const docker = new Docker(dockerConnectionOptions(dockerHost));
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), 5000);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `body` when Docker answers. Without it the suite is skipped with a message, or
 * fails when FNGRAPH_REQUIRE_SERVICES=1.
 */
export function describeWithDocker(name: string, available: boolean, body: () => void): void {
  if (!available && servicesRequired) {
    describe(name, () => {
      it('needs a Docker engine', () => {
        throw new Error(`No Docker engine answers at ${dockerHost}, and FNGRAPH_REQUIRE_SERVICES=1 forbids skipping ${name}`);
      });
    });
    return;
  }
  if (!available) console.warn(`[${name}] no Docker engine answers at ${dockerHost}: SKIPPING (FNGRAPH_REQUIRE_SERVICES=1 makes this a failure)`);
  describe.skipIf(!available)(name, body);
}
