import type { InvocationContext, InvocationErrorRecord, InvocationEvent } from '../execution.types.js';
import { asHttpResult, type HttpResult } from '../http-result.js';

// The events Lambda gets behind API Gateway (the REST API's payload 1.0, the HTTP API's and
// function URLs' 2.0), built from the function contract's event, and what their results mean.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html

const ACCOUNT = 'anonymous';
const STAGE = '$default';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestTime`: `12/Mar/2020:19:03:58 +0000`. */
export function apiGatewayTime(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
}

function queryEntries(query: InvocationEvent['query']): Array<[string, string]> {
  return Object.entries(query).flatMap(([key, value]) => (Array.isArray(value) ? value.map((item): [string, string] => [key, item]) : [[key, value]]));
}

function domainOf(event: InvocationEvent): string {
  return event.headers.host ?? 'localhost';
}

/** Payload 2.0 (HTTP APIs, function URLs): cookies apart, repeated query parameters joined with commas. */
export function toApiGatewayV2Event(event: InvocationEvent, context: InvocationContext, now = new Date()) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) if (name.toLowerCase() !== 'cookie') headers[name.toLowerCase()] = value;
  const cookieHeader = Object.entries(event.headers).find(([name]) => name.toLowerCase() === 'cookie')?.[1];
  const cookies = cookieHeader ? cookieHeader.split(/;\s*/).filter((cookie) => cookie !== '') : undefined;
  const entries = queryEntries(event.query);
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of entries) queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  const domainName = domainOf(event);
  return {
    version: '2.0',
    routeKey: STAGE,
    rawPath: event.path,
    rawQueryString: new URLSearchParams(entries).toString(),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(entries.length > 0 ? { queryStringParameters } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: context.functionName,
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: event.method,
        path: event.path,
        protocol: 'HTTP/1.1',
        sourceIp: event.sourceIp ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.invocationId,
      routeKey: STAGE,
      stage: STAGE,
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(event.body !== null ? { body: event.body } : {}),
    isBase64Encoded: event.isBase64Encoded,
  };
}

/** Payload 1.0 (REST APIs): single- and multi-value headers and query parameters, null when there are none. */
export function toApiGatewayV1Event(event: InvocationEvent, context: InvocationContext, now = new Date()) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(event.headers)) {
    headers[name] = value;
    multiValueHeaders[name] = name.toLowerCase() === 'cookie' ? [value] : value.split(/,\s*/);
  }
  const entries = queryEntries(event.query);
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of entries) {
    queryStringParameters[key] = value;
    (multiValueQueryStringParameters[key] ??= []).push(value);
  }
  const hasQuery = entries.length > 0;
  const resource = '/{proxy+}';
  return {
    resource,
    path: event.path,
    httpMethod: event.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? queryStringParameters : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
    pathParameters: event.path === '/' ? null : { proxy: event.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: context.functionName,
      domainName: domainOf(event),
      httpMethod: event.method,
      path: event.path,
      protocol: 'HTTP/1.1',
      requestId: context.invocationId,
      requestTime: apiGatewayTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: resource,
      resourcePath: resource,
      stage: STAGE,
      identity: { sourceIp: event.sourceIp ?? '', userAgent: event.headers['user-agent'] ?? null },
    },
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
  };
}

export type FormattedResult = { ok: true; value: HttpResult } | { ok: false; error: InvocationErrorRecord };

/**
 * Payload 2.0's rule: a result with a `statusCode` is the response; any other (an object, a
 * string, a number) is the body of a 200 `application/json` response, as it is.
 */
export function fromApiGatewayV2Result(value: unknown): FormattedResult {
  const response = asHttpResult(value);
  if (response) return { ok: true, value: response };
  const body = typeof value === 'string' ? value : (JSON.stringify(value ?? null) ?? 'null');
  return { ok: true, value: { statusCode: 200, headers: { 'content-type': 'application/json' }, body, isBase64Encoded: false } };
}

/** Payload 1.0 takes only a response; anything else is API Gateway's "Malformed Lambda proxy response" (a 502). */
export function fromApiGatewayV1Result(value: unknown): FormattedResult {
  const response = asHttpResult(value);
  if (response) return { ok: true, value: response };
  const why = typeof value === 'object' && value !== null && 'statusCode' in value ? 'an invalid statusCode' : 'no statusCode';
  return { ok: false, error: { type: 'MalformedLambdaResponse', message: `Malformed Lambda proxy response: the result has ${why}` } };
}
