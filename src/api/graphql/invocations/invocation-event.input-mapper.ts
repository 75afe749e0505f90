import { ValidationError } from '@/kernel/errors/domain-error.js';
import type { InvocationEvent } from '@/modules/executor/execution.types.js';
import type { InvokeFunctionInput } from './invoke-function.input.js';

const METHOD = /^[A-Z]{1,16}$/;

/** The event of a GraphQL invocation: `payload` becomes a JSON POST, `event` is taken as given. */
export function eventFromInput(input: InvokeFunctionInput): InvocationEvent {
  if (input.payload !== undefined && input.event !== undefined) {
    throw new ValidationError('Give either payload or event, not both', [{ field: 'payload', message: 'exclusive with event' }]);
  }
  if (input.event === undefined) {
    return {
      method: 'POST',
      path: '/',
      headers: input.payload === undefined ? {} : { 'content-type': 'application/json' },
      query: {},
      body: input.payload === undefined ? null : JSON.stringify(input.payload),
      isBase64Encoded: false,
    };
  }
  const { method = 'POST', path = '/', headers = {}, query = {}, body = null, isBase64Encoded = false } = input.event;
  if (!METHOD.test(method)) throw new ValidationError('Invalid method', [{ field: 'event.method', message: 'an HTTP method such as GET' }]);
  if (!path.startsWith('/')) throw new ValidationError('Invalid path', [{ field: 'event.path', message: 'must start with /' }]);
  const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method, path, headers: lowerCased, query, body, isBase64Encoded };
}
