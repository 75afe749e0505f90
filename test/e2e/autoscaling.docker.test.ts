import Docker from 'dockerode';
import { dockerConnectionOptions } from '@/adapters/sandbox/docker/docker-connection.js';
import { DockerSandboxDriver } from '@/adapters/sandbox/docker/docker-sandbox.driver.js';
import { SandboxDriver } from '@/modules/executor/sandbox-driver.js';
import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import type { TestServer } from '../support/test-server.js';
import { autoscalingSuite } from './autoscaling.suite.js';

const available = await dockerAnswers();

/** `docker kill` of this server's running sandbox containers, selected by its instance label. */
async function killContainers(server: TestServer): Promise<number> {
  const docker = new Docker(dockerConnectionOptions(dockerHost));
  const driver = server.app.get(SandboxDriver) as DockerSandboxDriver;
  const containers = await docker.listContainers({ filters: { label: [driver.instanceFilter], status: ['running'] } });
  // A container the autoscaler stops meanwhile answers 409 (not running): it is not counted.
  const killed = await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .kill({ signal: 'SIGKILL' })
        .then(
          () => 1,
          (error: { statusCode?: number }) => {
            if (error.statusCode === 409 || error.statusCode === 404) return 0;
            throw error;
          },
        ),
    ),
  );
  return killed.reduce((sum: number, n) => sum + n, 0);
}

describeWithDocker('Docker executor', available, () => {
  autoscalingSuite('docker', { env: { FNGRAPH_DOCKER_HOST: dockerHost }, killSandboxes: killContainers });
});
