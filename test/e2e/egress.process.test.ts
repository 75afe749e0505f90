import { egressSuite } from './egress.suite.js';

egressSuite('process');
