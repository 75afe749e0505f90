import { executorContract } from './executor.contract.js';

executorContract('process');
