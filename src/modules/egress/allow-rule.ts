import { isIP } from 'node:net';
import { type AddressRange, parsePort, parseRangeWithPort } from '@/kernel/network/address-range.js';

/**
 * Ports an entry without a port allows: HTTP and HTTPS only. An entry that means another
 * port (a database, SMTP) says so; `host:*` allows every port.
 */
export const DEFAULT_PORTS: readonly number[] = [80, 443];

/** One entry of a function's allow-list. */
export type AllowRule =
  | {
      kind: 'name';
      /** Lower case, no trailing dot. */ name: string;
      /** `*.example.com`: any name below it, not the name itself. */ wildcard: boolean;
      ports: AddressRange['ports'];
    }
  | ({ kind: 'range' } & AddressRange);

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_NAME = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);

/** A DNS name (lower-case labels, no trailing dot). */
export function isHostName(name: string): boolean {
  return HOST_NAME.test(name);
}

/**
 * Parses an allow-list entry: `api.example.com`, `api.example.com:443`, `*.example.com:443`,
 * `host:*`, `203.0.113.0/24`, `203.0.113.0/24:5432`, `203.0.113.7`, `[2001:db8::1]:443`,
 * `2001:db8::/32`. Without a port: 80 and 443. Returns the reason when it is none of those.
 */
export function parseAllowEntry(entry: string): AllowRule | { error: string } {
  const text = entry.trim().toLowerCase();
  if (text === '') return { error: 'must not be empty' };
  if (text.length > 300) return { error: 'must be at most 300 characters' };
  if (text.includes('://')) return { error: 'is a URL: give the host, with an optional :port (api.example.com:443)' };
  const range = parseRangeWithPort(text, DEFAULT_PORTS);
  if (range) return { kind: 'range', ...range };
  // Looks like an address (brackets, several colons, a slash, only digits and dots) yet is not a valid one.
  if (text.startsWith('[') || text.includes('/') || (text.match(/:/g) ?? []).length > 1 || /^[\d.]+(?::[^:]*)?$/.test(text)) {
    return { error: 'is not a valid IP address or CIDR block (IPv6 with a port: [2001:db8::1]:443)' };
  }
  const colon = text.lastIndexOf(':');
  const host = colon === -1 ? text : text.slice(0, colon);
  const portText = colon === -1 ? undefined : text.slice(colon + 1);
  let ports: AddressRange['ports'] = DEFAULT_PORTS;
  if (portText === '*') ports = 'any';
  else if (portText !== undefined) {
    const port = parsePort(portText);
    if (port === null) return { error: 'has an invalid port (1 to 65535, or * for any)' };
    ports = [port];
  }
  const wildcard = host.startsWith('*.');
  const name = (wildcard ? host.slice(2) : host).replace(/\.$/, '');
  if (name.length > 253 || !HOST_NAME.test(name) || isIP(name) !== 0) {
    return { error: 'must be a host name (api.example.com, *.example.com), an IP address or a CIDR block, with an optional :port' };
  }
  return { kind: 'name', name, wildcard, ports };
}

/** Whether a name rule names this host. */
export function nameMatches(rule: Extract<AllowRule, { kind: 'name' }>, host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return rule.wildcard ? name.endsWith(`.${rule.name}`) : name === rule.name;
}
