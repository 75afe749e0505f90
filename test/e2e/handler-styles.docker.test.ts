import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { handlerStylesSuite } from './handler-styles.suite.js';

const available = await dockerAnswers();

describeWithDocker('Docker executor', available, () => {
  handlerStylesSuite('docker', { FNGRAPH_DOCKER_HOST: dockerHost });
});
