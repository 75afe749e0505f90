import { describe, expect, it } from 'vitest';
import { functionMaySet } from './serving-origin.js';

describe('functionMaySet', () => {
  it('never lets a function set the platform’s own headers, on either origin', () => {
    for (const origin of ['api', 'functions'] as const) {
      for (const name of ['x-fngraph-invocation-id', 'x-fngraph-anything', 'x-request-id', 'traceparent', 'tracestate', 'x-content-type-options']) {
        expect(functionMaySet(name, origin), `${name} on ${origin}`).toBe(false);
      }
    }
  });

  it('keeps what reaches past the response (cookies, CORS, origin-wide policies) off the API’s origin only', () => {
    const originWide = [
      'set-cookie',
      'access-control-allow-origin',
      'access-control-allow-credentials',
      'timing-allow-origin',
      'clear-site-data',
      'service-worker-allowed',
      'strict-transport-security',
      'alt-svc',
      'nel',
      'report-to',
      'reporting-endpoints',
    ];
    for (const name of originWide) {
      expect(functionMaySet(name, 'api'), name).toBe(false);
      expect(functionMaySet(name, 'functions'), name).toBe(true);
    }
  });

  it('lets the ordinary headers of a response through everywhere', () => {
    for (const name of ['content-type', 'cache-control', 'location', 'etag', 'content-security-policy', 'x-custom', 'x-fngraphs', 'x-request-ids']) {
      expect(functionMaySet(name, 'api'), name).toBe(true);
    }
  });
});
