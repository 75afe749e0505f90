import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { NETWORK_OFF } from '@/modules/egress/network-config.js';
import { networkFrom } from './network.settings.js';

const on = { enabled: true, allowPrivate: [], maxConnectionsPerSandbox: 64 };
const off = { ...on, enabled: false };

describe('networkFrom', () => {
  it('is off unless the document turns it on, and keeps the previous setting when the document has none', () => {
    expect(networkFrom(undefined, NETWORK_OFF, on)).toEqual({ enabled: false, allow: [] });
    const previous = { enabled: true, allow: ['api.example.com'] };
    expect(networkFrom({ timeout: 3 }, previous, on)).toEqual(previous);
  });

  it('replaces the whole setting, without duplicate entries', () => {
    const network = networkFrom({ network: { enabled: true, allow: ['a.example.com', ' a.example.com', 'b.example.com:443'] } }, NETWORK_OFF, on);
    expect(network).toEqual({ enabled: true, allow: ['a.example.com', 'b.example.com:443'] });
    expect(networkFrom({ network: { enabled: false } }, network, on)).toEqual({ enabled: false, allow: [] });
  });

  it('refuses network access where the operator turned it off, naming the field and the setting', () => {
    const attempt = () => networkFrom({ network: { enabled: true, allow: ['api.example.com'] } }, NETWORK_OFF, off);
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/executionConfig\.network\.enabled: .*FNGRAPH_EGRESS_ENABLED=false/);
    expect(networkFrom({ network: { enabled: false, allow: [] } }, NETWORK_OFF, off)).toEqual({ enabled: false, allow: [] });
  });
});
