import { describe, expect, it } from 'vitest';
import { dockerConnectionOptions, isLocalEngine } from './docker-connection.js';

describe('dockerConnectionOptions', () => {
  it('reads unix sockets, tcp and http(s) addresses', () => {
    expect(dockerConnectionOptions('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerConnectionOptions('unix:///run/user/1000/docker.sock')).toEqual({ socketPath: '/run/user/1000/docker.sock' });
    expect(dockerConnectionOptions('tcp://127.0.0.1:2375')).toEqual({ protocol: 'http', host: '127.0.0.1', port: '2375' });
    expect(dockerConnectionOptions('https://[::1]')).toEqual({ protocol: 'https', host: '::1', port: 2376 });
    expect(isLocalEngine('unix:///var/run/docker.sock')).toBe(true);
    expect(isLocalEngine('tcp://127.0.0.1:2375')).toBe(false);
  });
});
