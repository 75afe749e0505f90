import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { egressSuite } from './egress.suite.js';

const available = await dockerAnswers();

describeWithDocker('Docker executor', available, () => {
  egressSuite('docker', { FNGRAPH_DOCKER_HOST: dockerHost });
});
