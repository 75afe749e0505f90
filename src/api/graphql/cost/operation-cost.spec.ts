import { readFileSync } from 'node:fs';
import { buildSchema, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { costModel } from './cost-model.js';
import { operationCost } from './operation-cost.js';

const schema = buildSchema(readFileSync(new URL('../../../../schema/schema.graphql', import.meta.url), 'utf8'));
const config = AppConfig.fromEnvironment({ NODE_ENV: 'test' });
const model = costModel(config);
const maxCost = config.graphqlLimits.maxCost;
const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  operationCost(schema, parse(query), operationName, variables, model);

const aliases = (count: number, selection: string) => Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ');

describe('operationCost (default limits)', () => {
  it('lets every operation of the SDK through, at the largest page size', () => {
    const sdk = parse(readFileSync(new URL('../../../../sdk/typescript/operations.graphql', import.meta.url), 'utf8'));
    const names = sdk.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition').map((d) => d.name!.value);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const found = operationCost(schema, sdk, name, { first: 100 }, model);
      expect({ name, cost: found, fits: found <= maxCost }).toMatchObject({ fits: true });
    }
  });

  it('refuses aliases of unpaged lists of large fields (every version with its code)', () => {
    expect(cost(`query($id: ID!) { function(id: $id) { ${aliases(20, 'versions { code }')} } }`)).toBeGreaterThan(maxCost);
    // Once is affordable (the response size cap is the backstop), twice is not.
    expect(cost('query($id: ID!) { function(id: $id) { versions { code } } }')).toBeLessThanOrEqual(maxCost);
    expect(cost(`query($id: ID!) { function(id: $id) { ${aliases(2, 'versions { code }')} } }`)).toBeGreaterThan(maxCost);
  });

  it('multiplies by page sizes: pages of invocations with their logs', () => {
    expect(cost(`{ ${aliases(5, 'invocations(first: 5) { nodes { logs { message } } }')} }`)).toBeGreaterThan(maxCost);
    const one = cost('{ invocations(first: 5) { nodes { logs { message } } } }');
    expect(one).toBeLessThanOrEqual(maxCost);
    expect(cost('{ invocations(first: 10) { nodes { logs { message } } } }')).toBe(2 * one);
  });

  it('reads page sizes from variables, their defaults, or the page default', () => {
    const query = 'query($n: Int = 7) { invocations(first: $n) { nodes { id } } }';
    // The page multiplies the connection: itself, its nodes and their fields.
    expect(cost(query, { n: 50 })).toBe(50 * 3);
    expect(cost(query, { n: null })).toBe(20 * 3);
    expect(cost(query)).toBe(7 * 3);
    expect(cost('{ invocations { nodes { id } } }')).toBe(20 * 3);
    expect(cost('{ platformErrors { errors { id } } }')).toBe(20 * 3);
  });

  it('counts fragments and weighs large fields by their size class', () => {
    expect(cost('query($id: ID!) { invocation(id: $id) { ...F } } fragment F on Invocation { id response }')).toBe(1 + 1 + 400);
    expect(cost('query($id: ID!) { invocation(id: $id) { ... on Invocation { logs { seq } } } }')).toBe(1 + config.limits.maxLogLines * 2);
  });
});
