import { executorContract } from './executor.contract.js';

executorContract('process');

// Where cgroups are not writable the driver falls back to rlimits: the same contract holds.
executorContract('process', { variant: 'rlimits instead of cgroups', env: { FNGRAPH_SANDBOX_LIMITS: 'rlimit' }, exactOffHeapOom: false });
