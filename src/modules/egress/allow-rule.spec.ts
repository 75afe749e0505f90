import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, nameMatches, parseAllowEntry } from './allow-rule.js';

describe('parseAllowEntry', () => {
  it.each([
    ['api.example.com', { kind: 'name', name: 'api.example.com', wildcard: false, ports: DEFAULT_PORTS }],
    ['API.Example.com.:443', { kind: 'name', name: 'api.example.com', wildcard: false, ports: [443] }],
    ['*.example.com:443', { kind: 'name', name: 'example.com', wildcard: true, ports: [443] }],
    ['db.internal:*', { kind: 'name', name: 'db.internal', wildcard: false, ports: 'any' }],
    ['localhost:5432', { kind: 'name', name: 'localhost', wildcard: false, ports: [5432] }],
    ['203.0.113.0/24', { kind: 'range', family: 'ipv4', address: '203.0.113.0', prefix: 24, ports: DEFAULT_PORTS }],
    ['203.0.113.0/24:5432', { kind: 'range', family: 'ipv4', address: '203.0.113.0', prefix: 24, ports: [5432] }],
    ['198.51.100.7', { kind: 'range', family: 'ipv4', address: '198.51.100.7', prefix: 32, ports: DEFAULT_PORTS }],
    ['[2001:db8::1]:443', { kind: 'range', family: 'ipv6', address: '2001:db8::1', prefix: 128, ports: [443] }],
    ['2001:db8::/32', { kind: 'range', family: 'ipv6', address: '2001:db8::', prefix: 32, ports: DEFAULT_PORTS }],
    ['[2001:db8::/32]:*', { kind: 'range', family: 'ipv6', address: '2001:db8::', prefix: 32, ports: 'any' }],
  ])('reads %s', (entry, rule) => {
    expect(parseAllowEntry(entry)).toEqual(rule);
  });

  it.each([
    ['', 'must not be empty'],
    ['*', 'must be a host name'],
    ['*.com.*', 'must be a host name'],
    ['http://example.com', 'is a URL'],
    ['api.example.com:0', 'invalid port'],
    ['api.example.com:65536', 'invalid port'],
    ['api_example.com', 'must be a host name'],
    ['203.0.113.0/33', 'not a valid IP address or CIDR'],
    ['300.1.1.1', 'not a valid IP address or CIDR'],
    ['[2001:db8::1', 'not a valid IP address or CIDR'],
    ['2001:db8::1:443:x', 'not a valid IP address or CIDR'],
  ])('refuses %j', (entry, reason) => {
    const rule = parseAllowEntry(entry);
    expect('error' in rule && rule.error).toContain(reason);
  });

  it('matches a wildcard below its domain only', () => {
    const rule = parseAllowEntry('*.example.com') as Extract<ReturnType<typeof parseAllowEntry>, { kind: 'name' }>;
    expect(nameMatches(rule, 'api.example.com')).toBe(true);
    expect(nameMatches(rule, 'a.b.example.com.')).toBe(true);
    expect(nameMatches(rule, 'example.com')).toBe(false);
    expect(nameMatches(rule, 'badexample.com')).toBe(false);
  });
});
