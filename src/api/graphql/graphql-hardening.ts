import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import type { AppConfig } from '@/kernel/config/app-config.js';

/**
 * The limits every operation is validated against, over HTTP (Apollo) and over graphql-ws
 * (`onSubscribe`), where Apollo's validation rules do not run. They are cheap: each walks
 * the document once, before anything executes. The cost limit needs the variables (page
 * sizes), so it runs after validation: see `GraphQLLimits`.
 */
export function hardeningRules(config: AppConfig): ValidationRule[] {
  const limits = config.graphqlLimits;
  // Reported like any validation error (with a code) instead of thrown out of `validate`.
  const common = { onReject: [report], propagateOnRejection: false };
  const rules: ValidationRule[] = [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...common }),
    maxAliasesRule({ n: limits.maxAliases, ...common }),
    maxDirectivesRule({ n: limits.maxDirectives, ...common }),
  ] as ValidationRule[];
  if (config.isProduction) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/** Refuses documents with more tokens than allowed while parsing (before any validation). */
export function parseOptions(config: AppConfig): ParseOptions {
  return { maxTokens: config.graphqlLimits.maxTokens, noLocation: false };
}

/** A refused limit is a validation error like any other (`GRAPHQL_VALIDATION_FAILED`). */
function report(context: ValidationContext | null, error: GraphQLError): void {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
}

/** Field suggestions ("Did you mean …?") describe the schema: production hides them with introspection. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .+\?$/s, '');
}
