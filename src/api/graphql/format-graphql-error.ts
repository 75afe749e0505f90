import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { presentError } from '@/kernel/errors/error-presenter.js';
import { withoutSuggestions } from './graphql-hardening.js';

/** Receives each unexpected error once, with where it happened (a field path). */
export type UnexpectedErrorSink = (error: unknown, where: string) => void;

/**
 * The GraphQL face of `presentError`: every error gets `extensions.code`; unexpected
 * ones go to `onUnexpected` (logged with their stack, counted, kept for admins) and reach
 * the client as a bare internal error.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  exposeStack: boolean,
  hideSuggestions: boolean,
  onUnexpected: UnexpectedErrorSink,
): GraphQLFormattedError {
  const original = (error as { originalError?: unknown } | null)?.originalError;
  if (!original || original instanceof GraphQLError) {
    // Parse, validation and argument coercion errors: already client errors with a code.
    const { stacktrace: _ignored, ...extensions } = formatted.extensions ?? {};
    const message = hideSuggestions ? withoutSuggestions(formatted.message) : formatted.message;
    return { ...formatted, message, extensions: { ...extensions, code: formatted.extensions?.code ?? 'BAD_USER_INPUT' } };
  }
  const presented = presentError(original);
  if (presented.unexpected) onUnexpected(original, formatted.path?.join('.') ?? '(root)');
  return {
    message: presented.message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: {
      code: presented.code,
      ...(presented.details.length > 0 ? { details: presented.details } : {}),
      ...(presented.retryAfterSeconds !== undefined ? { retryAfterSeconds: presented.retryAfterSeconds } : {}),
      ...(exposeStack && presented.unexpected ? { stacktrace: String((original as Error).stack ?? '').split('\n') } : {}),
    },
  };
}
