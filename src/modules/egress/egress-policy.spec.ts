import { describe, expect, it } from 'vitest';
import { parseRangeWithPort } from '@/kernel/network/address-range.js';
import { EgressPolicy } from './egress-policy.js';

const platform = (allowPrivate: string[] = [], ports: number[] = [8080]) => ({
  allowPrivate: allowPrivate.map((entry) => parseRangeWithPort(entry, 'any')!),
  platformPorts: new Set(ports),
});

function verdict(policy: EgressPolicy, host: string, port: number, addresses: string[]): string {
  const early = policy.admitsTarget(host, port);
  if (!early.allowed) return early.reason;
  const late = policy.admitsAddresses(host, port, addresses);
  return late.allowed ? 'allowed' : late.reason;
}

describe('EgressPolicy', () => {
  it('allows a named host on its ports only (80 and 443 when none is given)', () => {
    const policy = new EgressPolicy(['api.example.com', 'db.example.com:5432'], platform());
    expect(verdict(policy, 'api.example.com', 443, ['93.184.216.34'])).toBe('allowed');
    expect(verdict(policy, 'api.example.com', 22, ['93.184.216.34'])).toBe("port 22 of api.example.com is not in the function's allow-list");
    expect(verdict(policy, 'db.example.com', 5432, ['93.184.216.35'])).toBe('allowed');
    expect(verdict(policy, 'db.example.com', 443, ['93.184.216.35'])).toContain('port 443 of db.example.com');
    expect(verdict(policy, 'other.example.com', 443, ['93.184.216.36'])).toBe("other.example.com is not in the function's allow-list");
  });

  it('allows addresses in a named range, and a name whose every address is in one', () => {
    const policy = new EgressPolicy(['203.0.113.0/24:5432', '[2001:db8::/32]:443'], platform());
    expect(verdict(policy, '203.0.113.9', 5432, ['203.0.113.9'])).toBe('allowed');
    expect(verdict(policy, '203.0.114.9', 5432, ['203.0.114.9'])).toBe("203.0.114.9:5432 is not in the function's allow-list");
    expect(verdict(policy, 'pg.example.com', 5432, ['203.0.113.7'])).toBe('allowed');
    expect(verdict(policy, 'pg.example.com', 5432, ['203.0.113.7', '198.51.100.1'])).toContain('resolves to 198.51.100.1, which');
    expect(verdict(policy, '2001:db8::5', 443, ['2001:db8::5'])).toBe('allowed');
  });

  it('refuses internal addresses a function names unless the operator allows them, on every resolved address', () => {
    const policy = new EgressPolicy(['*.example.com', '10.0.0.0/8:*', '169.254.169.254', '[::1]:443', '127.0.0.1:5432'], platform());
    expect(verdict(policy, '10.1.2.3', 6379, ['10.1.2.3'])).toContain('10.1.2.3 is a private address, which the operator has not allowed');
    expect(verdict(policy, '169.254.169.254', 80, ['169.254.169.254'])).toContain('link-local');
    expect(verdict(policy, '::1', 443, ['::1'])).toContain('loopback');
    expect(verdict(policy, 'rebind.example.com', 443, ['93.184.216.34', '127.0.0.1'])).toContain('rebind.example.com resolves to 127.0.0.1:443');
    expect(verdict(policy, 'mapped.example.com', 443, ['::ffff:192.168.1.1'])).toContain('192.168.1.1 is a private address');
    expect(verdict(policy, 'cgnat.example.com', 80, ['100.64.0.1'])).toContain('carrier-grade NAT');
    expect(verdict(policy, 'ula.example.com', 80, ['fd00::1'])).toContain('unique local');
    const operator = new EgressPolicy(['10.0.0.0/8:*', '127.0.0.1:5432'], platform(['10.1.0.0/16', '127.0.0.1:5432']));
    expect(verdict(operator, '10.1.2.3', 6379, ['10.1.2.3'])).toBe('allowed');
    expect(verdict(operator, '10.2.0.1', 6379, ['10.2.0.1'])).toContain('private address');
    expect(verdict(operator, '127.0.0.1', 5432, ['127.0.0.1'])).toBe('allowed');
  });

  it("refuses the platform's own ports on any address unless the operator names that port", () => {
    const policy = new EgressPolicy(['api.example.com:8080', '127.0.0.1:8080'], platform(['127.0.0.0/8']));
    expect(verdict(policy, 'api.example.com', 8080, ['93.184.216.34'])).toContain("port 8080 is one of the platform's own listeners");
    expect(verdict(policy, '127.0.0.1', 8080, ['127.0.0.1'])).toContain("platform's own listeners");
    const named = new EgressPolicy(['127.0.0.1:8080'], platform(['127.0.0.1:8080']));
    expect(verdict(named, '127.0.0.1', 8080, ['127.0.0.1'])).toBe('allowed');
  });

  it('allows nothing with an empty allow-list, and skips DNS for names nothing allows', () => {
    const policy = new EgressPolicy([], platform());
    expect(policy.admitsTarget('api.example.com', 443)).toEqual({ allowed: false, reason: "api.example.com is not in the function's allow-list" });
    expect(verdict(policy, '93.184.216.34', 443, ['93.184.216.34'])).toContain('not in the function');
  });
});
