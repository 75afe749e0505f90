import { BlockList, isIP } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

/** A CIDR block (a single address is a /32 or /128), and the ports it is named for (`any`: every port). */
export interface AddressRange {
  family: IpFamily;
  address: string;
  prefix: number;
  ports: 'any' | readonly number[];
}

/** `203.0.113.0/24`, `2001:db8::/32`, `198.51.100.7`, `::1` → a range; null if it is none of those. */
export function parseCidr(text: string): Omit<AddressRange, 'ports'> | null {
  const [address = '', prefixText, ...extra] = text.split('/');
  if (extra.length > 0) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const family: IpFamily = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { family, address: address.toLowerCase(), prefix: max };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return null;
  return { family, address: address.toLowerCase(), prefix: Number(prefixText) };
}

/** `1` to `65535`; null otherwise. */
export function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

/**
 * `CIDR`, `CIDR:port`, `[v6 CIDR]:port` (a bare IPv6 CIDR has no port: its colons would be
 * ambiguous), with `ports` when no port is given. Null when the text is none of those.
 */
export function parseRangeWithPort(text: string, defaultPorts: AddressRange['ports']): AddressRange | null {
  const trimmed = text.trim();
  let host = trimmed;
  let portText: string | undefined;
  if (trimmed.startsWith('[')) {
    const end = trimmed.indexOf(']');
    if (end === -1) return null;
    host = trimmed.slice(1, end);
    const rest = trimmed.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return null;
      portText = rest.slice(1);
    }
  } else if ((trimmed.match(/:/g) ?? []).length === 1) {
    [host, portText] = trimmed.split(':') as [string, string];
  }
  const range = parseCidr(host);
  if (!range) return null;
  if (portText === undefined) return { ...range, ports: defaultPorts };
  if (portText === '*') return { ...range, ports: 'any' };
  const port = parsePort(portText);
  return port === null ? null : { ...range, ports: [port] };
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:127.0.0.1`), else the address as it is. */
export function unmapAddress(address: string): { address: string; family: IpFamily } {
  const lower = address.toLowerCase();
  const mapped = /^(?:0{1,4}:){5}ffff:(\d+\.\d+\.\d+\.\d+)$|^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  const dotted = mapped?.[1] ?? mapped?.[2];
  if (dotted && isIP(dotted) === 4) return { address: dotted, family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 'ipv4' };
  }
  return { address: lower, family: isIP(lower) === 4 ? 'ipv4' : 'ipv6' };
}

/** Ranges as a `net.BlockList` (both families), for `check(address, family)`. */
export function blockListOf(ranges: readonly Omit<AddressRange, 'ports'>[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) list.addSubnet(range.address, range.prefix, range.family);
  return list;
}

/** Whether a range names this port. */
export function rangeHasPort(range: Pick<AddressRange, 'ports'>, port: number): boolean {
  return range.ports === 'any' || range.ports.includes(port);
}
