import { defaultFieldResolver, type GraphQLField, type GraphQLSchema, isIntrospectionType, isObjectType } from 'graphql';
import { ForbiddenError } from '@/kernel/errors/domain-error.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { checkGate } from './gate-check.js';
import { DATA_TYPES, type Gate, OPERATION_GATES } from './operation-gates.js';

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'] as const;
type RootType = (typeof ROOT_TYPES)[number];

/** What guards one field: nothing (data types), a root field's gate, or a refusal (anything unlisted). */
type FieldRule = { kind: 'allow' } | { kind: 'gate'; gate: Gate } | { kind: 'deny' };

function ruleOf(typeName: string, fieldName: string): FieldRule {
  if ((ROOT_TYPES as readonly string[]).includes(typeName)) {
    const gate = OPERATION_GATES[typeName as RootType][fieldName];
    return gate === undefined ? { kind: 'deny' } : { kind: 'gate', gate };
  }
  return (DATA_TYPES as readonly string[]).includes(typeName) ? { kind: 'allow' } : { kind: 'deny' };
}

/** Object types and root fields left to the deny fallback: empty when every field is covered. */
export function uncoveredFields(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.keys(type.getFields())) {
      if (ruleOf(type.name, field).kind === 'deny') missing.push(`${type.name}.${field}`);
    }
  }
  return missing;
}

/**
 * Gates every field of the code-first schema (in place): each root field checks its
 * gate before its resolver runs (a subscription both when it starts and for each event),
 * fields of the listed data types resolve as they are, and anything the gates do not name
 * is denied. Errors thrown by resolvers pass through unchanged (domain error codes).
 * (This replaced graphql-shield, whose last release cannot load on Node.js 23 and later:
 * it imports `util.isUndefined`, which Node.js removed.)
 */
export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, GraphQLContext>[]) {
      const rule = ruleOf(type.name, field.name);
      if (rule.kind === 'allow') continue;
      const where = `${type.name}.${field.name}`;
      const verdict = (ctx: GraphQLContext): true | Error =>
        rule.kind === 'deny' ? new ForbiddenError('Not allowed') : checkGate(rule.gate, ctx.actor.principal, where);
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, ctx, info) => {
        const allowed = verdict(ctx);
        if (allowed !== true) throw allowed;
        return resolve(parent, args, ctx, info);
      };
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (parent, args, ctx, info) => {
          const allowed = verdict(ctx);
          if (allowed !== true) throw allowed;
          return subscribe(parent, args, ctx, info);
        };
      }
    }
  }
  return schema;
}
