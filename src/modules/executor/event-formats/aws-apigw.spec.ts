import { describe, expect, it } from 'vitest';
import type { InvocationContext, InvocationEvent } from '../execution.types.js';
import { apiGatewayTime, fromApiGatewayV1Result, fromApiGatewayV2Result, toApiGatewayV1Event, toApiGatewayV2Event } from './aws-apigw.js';
import { formatEvent } from './event-format.js';

const event: InvocationEvent = {
  method: 'POST',
  path: '/items/7',
  headers: { host: 'fn.example.test', 'user-agent': 'ua/1', cookie: 'a=1; b=2', accept: 'text/html, application/json' },
  query: { tag: ['x', 'y'], q: 'z' },
  body: 'aGk=',
  isBase64Encoded: true,
  sourceIp: '192.0.2.9',
};
const context: InvocationContext = {
  invocationId: 'inv-1',
  functionName: 'fn',
  version: '1.0.0',
  deadlineMs: 0,
  traceId: null,
  traceparent: null,
};
const now = new Date(Date.UTC(2020, 2, 12, 19, 3, 58));

describe('API Gateway events', () => {
  it('formats times as API Gateway does', () => {
    expect(apiGatewayTime(now)).toBe('12/Mar/2020:19:03:58 +0000');
  });

  it('payload 2.0: cookies apart from headers, repeated parameters joined, requestContext.http', () => {
    expect(toApiGatewayV2Event(event, context, now)).toEqual({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/items/7',
      rawQueryString: 'tag=x&tag=y&q=z',
      cookies: ['a=1', 'b=2'],
      headers: { host: 'fn.example.test', 'user-agent': 'ua/1', accept: 'text/html, application/json' },
      queryStringParameters: { tag: 'x,y', q: 'z' },
      requestContext: {
        accountId: 'anonymous',
        apiId: 'fn',
        domainName: 'fn.example.test',
        domainPrefix: 'fn',
        http: { method: 'POST', path: '/items/7', protocol: 'HTTP/1.1', sourceIp: '192.0.2.9', userAgent: 'ua/1' },
        requestId: 'inv-1',
        routeKey: '$default',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: now.getTime(),
      },
      body: 'aGk=',
      isBase64Encoded: true,
    });
  });

  it('payload 2.0 leaves out what a request does not have', () => {
    const bare = toApiGatewayV2Event({ method: 'GET', path: '/', headers: {}, query: {}, body: null, isBase64Encoded: false }, context, now);
    expect(bare).not.toHaveProperty('cookies');
    expect(bare).not.toHaveProperty('queryStringParameters');
    expect(bare).not.toHaveProperty('body');
    expect(bare.requestContext.http.sourceIp).toBe('');
  });

  it('payload 1.0: single and multi-value headers and parameters, the proxy resource', () => {
    const v1 = toApiGatewayV1Event(event, context, now);
    expect(v1).toMatchObject({
      resource: '/{proxy+}',
      path: '/items/7',
      httpMethod: 'POST',
      headers: event.headers,
      multiValueHeaders: { accept: ['text/html', 'application/json'], cookie: ['a=1; b=2'], host: ['fn.example.test'] },
      queryStringParameters: { tag: 'y', q: 'z' },
      multiValueQueryStringParameters: { tag: ['x', 'y'], q: ['z'] },
      pathParameters: { proxy: 'items/7' },
      stageVariables: null,
      body: 'aGk=',
      isBase64Encoded: true,
    });
    expect(v1.requestContext).toMatchObject({ httpMethod: 'POST', requestId: 'inv-1', requestTimeEpoch: now.getTime(), identity: { sourceIp: '192.0.2.9' } });
    const bare = toApiGatewayV1Event({ method: 'GET', path: '/', headers: {}, query: {}, body: null, isBase64Encoded: false }, context, now);
    expect(bare).toMatchObject({ queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, body: null });
  });

  it('the native format keeps the contract: no caller address', () => {
    expect(formatEvent('native', event, context)).not.toHaveProperty('sourceIp');
    expect(formatEvent('web', event, context)).toHaveProperty('sourceIp', '192.0.2.9');
  });
});

describe('API Gateway results', () => {
  it('payload 2.0: a response as such; any other value the body of a JSON 200', () => {
    expect(fromApiGatewayV2Result({ statusCode: 201, cookies: ['a=1'], body: 'x' })).toEqual({
      ok: true,
      value: { statusCode: 201, headers: { 'set-cookie': ['a=1'] }, body: 'x', isBase64Encoded: false },
    });
    expect(fromApiGatewayV2Result({ message: 'hi' })).toEqual({
      ok: true,
      value: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"message":"hi"}', isBase64Encoded: false },
    });
    expect(fromApiGatewayV2Result('Hello')).toMatchObject({ ok: true, value: { statusCode: 200, body: 'Hello' } });
    expect(fromApiGatewayV2Result(null)).toMatchObject({ ok: true, value: { body: 'null' } });
  });

  it('payload 1.0: anything but a response is malformed', () => {
    expect(fromApiGatewayV1Result({ statusCode: '200', multiValueHeaders: { 'X-A': ['1', '2'] }, body: '' })).toEqual({
      ok: true,
      value: { statusCode: 200, headers: { 'x-a': ['1', '2'] }, body: '', isBase64Encoded: false },
    });
    expect(fromApiGatewayV1Result({ message: 'hi' })).toMatchObject({ ok: false, error: { type: 'MalformedLambdaResponse' } });
    expect(fromApiGatewayV1Result({ statusCode: 'OK' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('invalid statusCode') } });
  });
});
