import { adversarialSuite } from './adversarial.suite.js';

adversarialSuite('process');
