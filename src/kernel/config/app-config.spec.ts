import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { AppConfig, packageManagerEnvironment } from './app-config.js';

describe('package manager environment', () => {
  const host = {
    HOME: '/home/fngraph',
    PATH: '/usr/bin:/bin',
    NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca.pem',
    HTTPS_PROXY: 'http://proxy.internal:3128',
    npm_config_registry: 'https://npm.internal/',
    NPM_CONFIG_CAFILE: '/etc/ssl/certs/ca.pem',
    PIP_INDEX_URL: 'https://pypi.internal/simple',
    FNGRAPH_MASTER_KEY: 'c2VjcmV0',
    MONGODB_URI: 'mongodb://user:pass@db/fngraph',
    REDIS_URL: 'redis://redis:6379',
    AWS_SECRET_ACCESS_KEY: 'nope',
    NODE_OPTIONS: '--require /tmp/evil.js',
    PYTHONPATH: '/tmp/evil',
    UNSET: undefined,
  };

  it('keeps what npm and pip need to reach their registries, nothing of the platform', () => {
    expect(packageManagerEnvironment(host)).toEqual({
      HOME: '/home/fngraph',
      PATH: '/usr/bin:/bin',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca.pem',
      HTTPS_PROXY: 'http://proxy.internal:3128',
      npm_config_registry: 'https://npm.internal/',
      NPM_CONFIG_CAFILE: '/etc/ssl/certs/ca.pem',
      PIP_INDEX_URL: 'https://pypi.internal/simple',
    });
  });

  it('ends up in the dependency build settings, with their defaults', () => {
    const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', ...host, FNGRAPH_MASTER_KEY: undefined });
    expect(config.dependencyBuild).toEqual({
      pythonBinary: 'python3',
      npmBinary: 'npm',
      timeoutMs: 300_000,
      concurrency: 2,
      environment: packageManagerEnvironment(host),
    });
    const custom = AppConfig.fromEnvironment({
      NODE_ENV: 'test',
      FNGRAPH_BUILD_PYTHON_BINARY: '/opt/python/bin/python3.11',
      FNGRAPH_NPM_BINARY: '/opt/node/bin/npm',
      FNGRAPH_DEPENDENCY_BUILD_TIMEOUT_SECONDS: '60',
      FNGRAPH_DEPENDENCY_BUILD_CONCURRENCY: '4',
    });
    expect(custom.dependencyBuild).toMatchObject({
      pythonBinary: '/opt/python/bin/python3.11',
      npmBinary: '/opt/node/bin/npm',
      timeoutMs: 60_000,
      concurrency: 4,
    });
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_DEPENDENCY_BUILD_TIMEOUT_SECONDS: '0' })).toThrow(/FNGRAPH_DEPENDENCY_BUILD_TIMEOUT_SECONDS/);
  });
});

describe('metrics listener setting', () => {
  it('is off unless set, and must be a port other than the API port', () => {
    expect(AppConfig.fromEnvironment({}).observability.metricsPort).toBeUndefined();
    expect(AppConfig.fromEnvironment({ FNGRAPH_METRICS_PORT: '9464' }).observability.metricsPort).toBe(9464);
    expect(AppConfig.fromEnvironment({ FNGRAPH_METRICS_PORT: '9464', FNGRAPH_METRICS: 'false' }).observability.metricsPort).toBeUndefined();
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_METRICS_PORT: 'metrics' })).toThrow(/FNGRAPH_METRICS_PORT/);
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_METRICS_PORT: '8080', PORT: '8080' })).toThrow(/FNGRAPH_METRICS_PORT must differ from PORT/);
  });
});

describe('functions origin settings', () => {
  it('are off unless set; the URL loses its trailing slash', () => {
    expect(AppConfig.fromEnvironment({}).functionsOrigin).toEqual({ url: undefined, port: undefined });
    expect(AppConfig.fromEnvironment({ FNGRAPH_FUNCTIONS_PORT: '8081', FNGRAPH_FUNCTIONS_URL: 'https://fn.example.com/' }).functionsOrigin).toEqual({
      url: 'https://fn.example.com',
      port: 8081,
    });
  });

  it('refuse a port shared with the API or the scrapers, an URL on the API origin, and what is not an http(s) URL', () => {
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_FUNCTIONS_PORT: '8080' })).toThrow(/FNGRAPH_FUNCTIONS_PORT must differ/);
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_FUNCTIONS_PORT: '9464', FNGRAPH_METRICS_PORT: '9464' })).toThrow(/FNGRAPH_FUNCTIONS_PORT must differ/);
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_FUNCTIONS_PORT: 'x' })).toThrow(/FNGRAPH_FUNCTIONS_PORT/);
    expect(() =>
      AppConfig.fromEnvironment({ FNGRAPH_PUBLIC_URL: 'https://api.example.com', FNGRAPH_FUNCTIONS_URL: 'https://api.example.com/functions' }),
    ).toThrow(/FNGRAPH_FUNCTIONS_URL must be another origin/);
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_FUNCTIONS_URL: 'ftp://fn.example.com' })).toThrow(/FNGRAPH_FUNCTIONS_URL/);
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_PUBLIC_URL: 'https://api.example.com', FNGRAPH_FUNCTIONS_PORT: '8081' })).toThrow(
      /FNGRAPH_FUNCTIONS_URL is required/,
    );
    expect(
      AppConfig.fromEnvironment({ FNGRAPH_PUBLIC_URL: 'https://example.com', FNGRAPH_FUNCTIONS_URL: 'https://example.com:8443' }).functionsOrigin.url,
    ).toBe('https://example.com:8443');
  });
});

describe('autoscaling settings', () => {
  it('default to a 60 s stable and 6 s panic window, panic at 2x, a 1 s tick and 200 sandboxes per node', () => {
    expect(AppConfig.fromEnvironment({}).autoscaling).toEqual({
      stableWindowMs: 60_000,
      panicWindowMs: 6_000,
      panicThreshold: 2,
      tickMs: 1000,
      maxSandboxes: 200,
      memoryBudgetMb: expect.any(Number),
      ownerMaxSandboxes: 100,
      ownerMemoryMb: expect.any(Number),
    });
  });

  it('derive the node memory budget from the machine (75 %) and give one owner half the node unless told', () => {
    const derived = AppConfig.fromEnvironment({}).autoscaling;
    const totalMb = totalmem() / (1024 * 1024);
    expect(derived.memoryBudgetMb).toBeGreaterThan(0);
    expect(derived.memoryBudgetMb).toBeLessThanOrEqual(Math.floor(totalMb * 0.75));
    expect(derived.ownerMemoryMb).toBe(Math.floor(derived.memoryBudgetMb / 2));

    const set = AppConfig.fromEnvironment({ FNGRAPH_NODE_MEMORY_BUDGET_MB: '1000', FNGRAPH_MAX_SANDBOXES: '9' }).autoscaling;
    expect(set).toMatchObject({ memoryBudgetMb: 1000, ownerMemoryMb: 500, ownerMaxSandboxes: 5 });
    expect(AppConfig.fromEnvironment({ FNGRAPH_OWNER_MAX_SANDBOXES: '3', FNGRAPH_OWNER_MEMORY_MB: '256' }).autoscaling).toMatchObject({
      ownerMaxSandboxes: 3,
      ownerMemoryMb: 256,
    });
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_NODE_MEMORY_BUDGET_MB: 'lots' })).toThrow(/FNGRAPH_NODE_MEMORY_BUDGET_MB/);
    expect(AppConfig.fromEnvironment({}).limits.ownerPrewarmMemoryMb).toBe(2048);
  });

  it('refuse a panic window longer than the stable window, or a tick longer than the panic window', () => {
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_AUTOSCALE_STABLE_WINDOW_SECONDS: '5', FNGRAPH_AUTOSCALE_PANIC_WINDOW_SECONDS: '6' })).toThrow(
      /FNGRAPH_AUTOSCALE_PANIC_WINDOW_SECONDS must not exceed/,
    );
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_AUTOSCALE_TICK_MS: '7000' })).toThrow(/FNGRAPH_AUTOSCALE_TICK_MS must not exceed/);
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_AUTOSCALE_PANIC_THRESHOLD: '0.5' })).toThrow(/FNGRAPH_AUTOSCALE_PANIC_THRESHOLD/);
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_MAX_SANDBOXES: '0' })).toThrow(/FNGRAPH_MAX_SANDBOXES/);
  });
});

describe('code folder', () => {
  it('lays archive versions out under the data directory unless FNGRAPH_CODE_DIR names another place', () => {
    expect(AppConfig.fromEnvironment({ FNGRAPH_DATA_DIR: '/srv/fngraph' }).codeDir).toBe('/srv/fngraph/code');
    expect(AppConfig.fromEnvironment({ FNGRAPH_DATA_DIR: '/srv/fngraph', FNGRAPH_CODE_DIR: '/dev/shm/fngraph-code' }).codeDir).toBe('/dev/shm/fngraph-code');
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_CODE_DIR: '' })).toThrow(/FNGRAPH_CODE_DIR/);
  });
});

describe('egress settings', () => {
  it('allow network access by default with no internal destination, and read the operator list as CIDR[:port]', () => {
    expect(AppConfig.fromEnvironment({}).egress).toEqual({ enabled: true, allowPrivate: [], maxConnectionsPerSandbox: 64 });
    const config = AppConfig.fromEnvironment({ FNGRAPH_EGRESS_ENABLED: 'false', FNGRAPH_EGRESS_ALLOW_PRIVATE: '10.0.0.0/8, 127.0.0.1:5432,[fd00::/8]:443' });
    expect(config.egress.enabled).toBe(false);
    expect(config.egress.allowPrivate).toEqual([
      { family: 'ipv4', address: '10.0.0.0', prefix: 8, ports: 'any' },
      { family: 'ipv4', address: '127.0.0.1', prefix: 32, ports: [5432] },
      { family: 'ipv6', address: 'fd00::', prefix: 8, ports: [443] },
    ]);
  });

  it('refuse what is not CIDR[:port]', () => {
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_EGRESS_ALLOW_PRIVATE: 'db.internal:5432' })).toThrow(/FNGRAPH_EGRESS_ALLOW_PRIVATE/);
    expect(() => AppConfig.fromEnvironment({ FNGRAPH_EGRESS_ALLOW_PRIVATE: '10.0.0.0/8:70000' })).toThrow(/FNGRAPH_EGRESS_ALLOW_PRIVATE/);
  });
});
