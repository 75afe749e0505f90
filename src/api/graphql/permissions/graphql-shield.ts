import { createRequire } from 'node:module';
import util from 'node:util';

// graphql-shield 7.6.5, its last release, calls `util.isUndefined`, which Node.js 23 removed
// (maticzav/graphql-shield#1561). Its CommonJS build looks the function up each time a rule
// runs, so putting it back before loading keeps the library working on Node.js 24; its ES
// module build imports the name and cannot load at all, hence the `require`. graphql-middleware
// comes from the same `require`: graphql-shield's CommonJS copy recognises only middleware
// applied by graphql-middleware's CommonJS copy.
const legacyUtil = util as typeof util & { isUndefined?: (value: unknown) => boolean };
legacyUtil.isUndefined ??= (value) => value === undefined;

const require = createRequire(import.meta.url);
const graphqlShield = require('graphql-shield') as typeof import('graphql-shield');
const graphqlMiddleware = require('graphql-middleware') as typeof import('graphql-middleware');

export const { allow, deny, rule, shield } = graphqlShield;
export const { applyMiddleware } = graphqlMiddleware;
export type { IRule, IRules } from 'graphql-shield';
