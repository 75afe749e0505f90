import { dockerAnswers, dockerHost, describeWithDocker } from '../support/docker.js';
import { executorContract } from './executor.contract.js';

const available = await dockerAnswers();

describeWithDocker('Docker executor', available, () => {
  executorContract('docker', { env: { FNGRAPH_DOCKER_HOST: dockerHost } });
});
