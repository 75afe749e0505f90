import type { EventFormat, InvocationContext, InvocationEvent } from '../execution.types.js';
import { type FormattedResult, fromApiGatewayV1Result, fromApiGatewayV2Result, toApiGatewayV1Event, toApiGatewayV2Event } from './aws-apigw.js';

/**
 * The event a handler of this format is given. The styles that take objects of their
 * language (a Web `Request`, Express' `req`) get the contract's event, which their shim
 * turns into them.
 */
export function formatEvent(format: EventFormat, event: InvocationEvent, context: InvocationContext): unknown {
  if (format === 'aws-apigw-v2') return toApiGatewayV2Event(event, context);
  if (format === 'aws-apigw-v1') return toApiGatewayV1Event(event, context);
  if (format === 'native') {
    // The contract's event as documented: the caller's address is for the formats that carry one.
    const { sourceIp: _sourceIp, ...contract } = event;
    return contract;
  }
  return event;
}

/** What a result of this format means: Lambda's are responses by API Gateway's rules; others stay as returned. */
export function formatResult(format: EventFormat, value: unknown): FormattedResult | { ok: true; value: unknown } {
  if (format === 'aws-apigw-v2') return fromApiGatewayV2Result(value);
  if (format === 'aws-apigw-v1') return fromApiGatewayV1Result(value);
  return { ok: true, value };
}
