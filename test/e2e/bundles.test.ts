import { bundlesSuite } from './bundles.suite.js';

bundlesSuite('process');
