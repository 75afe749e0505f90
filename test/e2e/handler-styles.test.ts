import { handlerStylesSuite } from './handler-styles.suite.js';

handlerStylesSuite('process');
