import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { bundlesSuite } from './bundles.suite.js';

const available = await dockerAnswers();

// The cases where the sandbox must see the function's folder (a Docker bind mount) and where the export check runs in a container.
describeWithDocker('Docker executor', available, () => {
  bundlesSuite('docker', { FNGRAPH_DOCKER_HOST: dockerHost }, { only: 'mounts' });
});
