import type { BlockList } from 'node:net';
import { blockListOf, type IpFamily, parseCidr } from '@/kernel/network/address-range.js';

/**
 * Destinations no function reaches unless the operator allows them
 * (`FNGRAPH_EGRESS_ALLOW_PRIVATE`): the host itself, the networks it sits in, cloud
 * metadata and other link-local services, and addresses that are no destination at all.
 */
const DENIED: ReadonlyArray<readonly [cidr: string, why: string]> = [
  ['0.0.0.0/8', 'an unspecified address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['10.0.0.0/8', 'a private address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.168.0.0/16', 'a private address'],
  ['100.64.0.0/10', 'a carrier-grade NAT (private) address'],
  ['169.254.0.0/16', 'a link-local address (cloud metadata lives there)'],
  ['192.0.0.0/24', 'an IETF protocol assignment'],
  ['198.18.0.0/15', 'a benchmarking (internal) address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved or broadcast address'],
  ['::/128', 'an unspecified address'],
  ['::1/128', 'a loopback address'],
  ['fe80::/10', 'a link-local address'],
  ['fc00::/7', 'a private (unique local) address'],
  ['fec0::/10', 'a site-local address'],
  ['ff00::/8', 'a multicast address'],
  ['64:ff9b:1::/48', 'a local-use NAT64 address'],
];

const LISTS: ReadonlyArray<{ list: BlockList; why: string }> = DENIED.map(([cidr, why]) => ({ list: blockListOf([parseCidr(cidr)!]), why }));

/** Why an address is on the platform's deny-list, or null when it is not. */
export function platformDenial(address: string, family: IpFamily): string | null {
  return LISTS.find(({ list }) => list.check(address, family))?.why ?? null;
}
