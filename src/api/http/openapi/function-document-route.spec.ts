import { describe, expect, it } from 'vitest';
import { parseFunctionRoute } from '@/api/http/gateway/function-route.js';
import { functionDocumentRequest } from './function-document-route.js';

const request = (method: string, url: string) => functionDocumentRequest(method, parseFunctionRoute(url)!);

describe('functionDocumentRequest', () => {
  it('is GET or HEAD /fn/<name>[@<version>]/openapi.json, query string or not', () => {
    expect(request('GET', '/fn/hello/openapi.json')).toEqual({ name: 'hello', version: undefined });
    expect(request('HEAD', '/fn/hello@1.2.3/openapi.json?x=1')).toEqual({ name: 'hello', version: '1.2.3' });
    expect(request('GET', '/fn/hello/openapi%2Ejson')).toEqual({ name: 'hello', version: undefined });
  });

  it('leaves every other request to the function: other methods, paths, and the /execute routes', () => {
    expect(request('POST', '/fn/hello/openapi.json')).toBeNull();
    expect(request('GET', '/fn/hello')).toBeNull();
    expect(request('GET', '/fn/hello/v1/openapi.json')).toBeNull();
    expect(request('GET', '/fn/hello/openapi.json/')).toBeNull();
    expect(request('GET', '/execute/0190d5c2-0000-7000-8000-000000000000/openapi.json')).toBeNull();
  });
});
