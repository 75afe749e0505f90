import { type GraphQLFieldConfigMap, type GraphQLSchema, isObjectType, isIntrospectionType } from 'graphql';
import { allow, applyMiddleware, deny, type IRule, type IRules, rule, shield } from './graphql-shield.js';
import { ForbiddenError } from '@/kernel/errors/domain-error.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { checkGate } from './gate-check.js';
import { DATA_TYPES, type Gate, OPERATION_GATES } from './operation-gates.js';

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'] as const;

type ShieldRule = IRule | typeof allow | typeof deny;

function gateRule(gate: Gate, field: string): ShieldRule {
  if (gate === 'public') return allow;
  const name = `gate:${typeof gate === 'string' ? gate : gate.join('|')}:${field}`;
  return rule(name, { cache: 'contextual' })((_parent, _args, ctx: GraphQLContext) => checkGate(gate, ctx.actor.principal, field));
}

/** The rule tree for the fields this schema has: every root field gated, listed data types allowed, anything else denied. */
export function buildRuleTree(schema: GraphQLSchema): IRules {
  const tree: Record<string, Record<string, ShieldRule>> = {};
  for (const root of ROOT_TYPES) {
    const type = schema.getType(root);
    if (!isObjectType(type)) continue;
    const rules: Record<string, ShieldRule> = {};
    for (const field of Object.keys(type.getFields())) {
      const gate = OPERATION_GATES[root][field];
      rules[field] = gate === undefined ? deny : gateRule(gate, `${root}.${field}`);
    }
    tree[root] = rules;
  }
  for (const name of DATA_TYPES) {
    if (isObjectType(schema.getType(name))) tree[name] = { '*': allow };
  }
  return tree as unknown as IRules;
}

/** Object types and root fields the rule tree leaves to the fallback (deny): empty when every field is covered. */
export function uncoveredFields(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const tree = buildRuleTree(schema) as Record<string, Record<string, unknown>>;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    const rules = tree[type.name];
    for (const field of Object.keys(type.getFields())) {
      if (!rules || (rules[field] === undefined && rules['*'] === undefined) || rules[field] === deny) missing.push(`${type.name}.${field}`);
    }
  }
  return missing;
}

/**
 * graphql-shield over the code-first schema. `allowExternalErrors` keeps the codes of
 * domain errors thrown by resolvers; anything the tree does not name is denied.
 * graphql-middleware wraps only `resolve` of a subscription field that has one (run per
 * event), so the same gate is also put in front of its `subscribe` (run at the start).
 */
export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  const permissions = shield(buildRuleTree(schema), {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError('Not allowed'),
    allowExternalErrors: true,
    debug: false,
  });
  const shielded = applyMiddleware(schema, permissions);
  gateSubscriptionStarts(shielded);
  return shielded;
}

function gateSubscriptionStarts(schema: GraphQLSchema): void {
  const type = schema.getSubscriptionType();
  if (!type) return;
  const fields = type.getFields() as unknown as GraphQLFieldConfigMap<unknown, GraphQLContext>;
  for (const [name, field] of Object.entries(fields)) {
    const subscribe = field.subscribe;
    if (!subscribe) continue;
    const gate = OPERATION_GATES.Subscription[name];
    field.subscribe = (parent, args, ctx, info) => {
      const verdict = gate === undefined ? new ForbiddenError('Not allowed') : checkGate(gate, ctx.actor.principal, `Subscription.${name}`);
      if (verdict !== true) throw verdict;
      return subscribe(parent, args, ctx, info);
    };
  }
}
