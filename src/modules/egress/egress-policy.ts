import { BlockList, isIP } from 'node:net';
import { type AddressRange, blockListOf, type IpFamily, rangeHasPort, unmapAddress } from '@/kernel/network/address-range.js';
import { type AllowRule, nameMatches, parseAllowEntry } from './allow-rule.js';
import { platformDenial } from './platform-deny-list.js';

/** What the operator decides, whatever a function asks for. */
export interface EgressPlatformRules {
  /** Internal ranges the operator allows (`FNGRAPH_EGRESS_ALLOW_PRIVATE`). */
  allowPrivate: readonly AddressRange[];
  /** Ports the platform listens on (refused on every address). */
  platformPorts: { has(port: number): boolean };
}

export type EgressVerdict = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: EgressVerdict = { allowed: true };

interface RangeCheck {
  range: AddressRange;
  list: BlockList;
}

/**
 * One sandbox's egress policy: the function's allow-list AND the platform's deny-list,
 * which wins unless the operator allows the address (and, for the platform's own ports,
 * names the port). A name is allowed by a name entry, or when every address it resolves
 * to is in an allowed range; either way every resolved address must pass the deny-list.
 */
export class EgressPolicy {
  private readonly names: Extract<AllowRule, { kind: 'name' }>[] = [];
  private readonly ranges: RangeCheck[] = [];
  private readonly operatorRanges: RangeCheck[];

  constructor(
    allow: readonly string[],
    private readonly platform: EgressPlatformRules,
  ) {
    for (const entry of allow) {
      const rule = parseAllowEntry(entry);
      // Entries were validated at registration; one that no longer parses allows nothing.
      if ('error' in rule) continue;
      if (rule.kind === 'name') this.names.push(rule);
      else this.ranges.push({ range: rule, list: blockListOf([rule]) });
    }
    this.operatorRanges = platform.allowPrivate.map((range) => ({ range, list: blockListOf([range]) }));
  }

  /** Before any name is resolved: whether `host:port` could be allowed at all (no DNS for names nothing allows). */
  admitsTarget(host: string, port: number): EgressVerdict {
    if (isIP(host) !== 0) return ALLOWED; // Decided by `admitsAddresses`.
    if (this.namedPort(host, port) || this.ranges.some(({ range }) => rangeHasPort(range, port))) return ALLOWED;
    const named = this.names.some((rule) => nameMatches(rule, host));
    return denied(named ? `port ${port} of ${host} is not in the function's allow-list` : `${host} is not in the function's allow-list`);
  }

  /** Every address `host` resolved to (or `host` itself, an address) must be allowed, or none is used. */
  admitsAddresses(host: string, port: number, addresses: readonly string[]): EgressVerdict {
    if (addresses.length === 0) return denied(`${host} has no address`);
    const isName = isIP(host) === 0;
    const byName = isName && this.namedPort(host, port);
    for (const raw of addresses) {
      const { address, family } = unmapAddress(raw);
      if (!byName && !this.ranges.some(({ range, list }) => rangeHasPort(range, port) && list.check(address, family))) {
        return denied(
          isName ? `${host} resolves to ${address}, which the function's allow-list does not name` : `${address}:${port} is not in the function's allow-list`,
        );
      }
      const verdict = this.platformVerdict(address, family, port);
      if (!verdict.allowed) return denied(isName ? `${host} resolves to ${verdict.reason}` : verdict.reason);
    }
    return ALLOWED;
  }

  private namedPort(host: string, port: number): boolean {
    return this.names.some((rule) => nameMatches(rule, host) && rangeHasPort(rule, port));
  }

  private platformVerdict(address: string, family: IpFamily, port: number): EgressVerdict {
    const operator = this.operatorRanges.filter(({ list }) => list.check(address, family));
    if (this.platform.platformPorts.has(port) && !operator.some(({ range }) => range.ports !== 'any' && range.ports.includes(port))) {
      return denied(`${address}:${port}: port ${port} is one of the platform's own listeners`);
    }
    const why = platformDenial(address, family);
    if (why && !operator.some(({ range }) => rangeHasPort(range, port))) {
      return denied(`${address}:${port}: ${address} is ${why}, which the operator has not allowed (FNGRAPH_EGRESS_ALLOW_PRIVATE)`);
    }
    return ALLOWED;
  }
}

function denied(reason: string): EgressVerdict {
  return { allowed: false, reason };
}
