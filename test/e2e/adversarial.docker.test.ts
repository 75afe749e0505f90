import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { adversarialSuite } from './adversarial.suite.js';

const available = await dockerAnswers();

describeWithDocker('Docker executor', available, () => {
  adversarialSuite('docker', { FNGRAPH_DOCKER_HOST: dockerHost });
});
