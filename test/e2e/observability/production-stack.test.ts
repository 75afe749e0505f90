import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '@/kernel/config/config.validation.js';
import { scrape } from '../../support/prometheus.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

/**
 * docker/compose.yml and its configuration files, checked without running them (no image
 * can be pulled here): the compose file validates, every file it mounts exists, the
 * services point at each other consistently, and every metric the Grafana dashboard
 * queries is one the server really exports.
 */
const DOCKER = new URL('../../../docker/', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(DOCKER, path), 'utf8');
const yamlOf = (path: string) => parse(read(path)) as Record<string, any>;

const compose = yamlOf('compose.yml');
const api = compose.services.api;
const DUMMY_ENV = { FNGRAPH_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'), GRAFANA_ADMIN_PASSWORD: 'test-only' };

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever this machine has. */
function composeCommand(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return undefined;
}

describe('docker/compose.yml', () => {
  it('is a valid compose file (`docker compose config`)', () => {
    const command = composeCommand();
    if (!command) {
      // The structural checks below still run; scripts/test installs docker-compose.
      console.warn('Neither `docker compose` nor `docker-compose` is installed: the compose file is only checked structurally');
      return;
    }
    const [binary, ...args] = command;
    const output = execFileSync(binary!, [...args, '-f', join(DOCKER, 'compose.yml'), 'config'], {
      env: { ...process.env, ...DUMMY_ENV },
      encoding: 'utf8',
    });
    const normalized = parse(output) as Record<string, any>;
    expect(Object.keys(normalized.services).sort()).toEqual(Object.keys(compose.services).sort());
  });

  it('refuses to start without a master key', () => {
    const command = composeCommand();
    if (!command) return;
    const [binary, ...args] = command;
    const env = { ...process.env, GRAFANA_ADMIN_PASSWORD: 'x' } as Record<string, string | undefined>;
    delete env.FNGRAPH_MASTER_KEY;
    const result = spawnSync(binary!, [...args, '-f', join(DOCKER, 'compose.yml'), 'config'], { env, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('FNGRAPH_MASTER_KEY');
  });

  it('runs the API, MongoDB, Redis, Prometheus, Grafana, an OpenTelemetry collector and Jaeger', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'grafana', 'jaeger', 'mongo', 'otel-collector', 'prometheus', 'redis']);
    for (const [name, service] of Object.entries<Record<string, any>>(compose.services)) {
      if (name !== 'api') expect(service.image, `${name} has a pinned image`).toMatch(/^[\w./-]+:v?\d[\w.-]*$/);
    }
  });

  it('builds the API from docker/Dockerfile on the official image of the Node.js major the server runs on (.nvmrc)', () => {
    expect(api.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
    const dockerfile = read('Dockerfile');
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    const major = read('../.nvmrc').trim();
    for (const base of bases) expect(base).toMatch(new RegExp(`^node:${major}-bookworm(-slim)?$`));
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('configures the API with real settings only, pointing at the stack’s services', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of Object.keys(api.environment)) expect(known.has(name), `${name} is an fngraph setting`).toBe(true);
    expect(api.environment).toMatchObject({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://mongo:27017/fngraph',
      REDIS_URL: 'redis://redis:6379',
      FNGRAPH_OTLP_ENDPOINT: 'http://otel-collector:4318',
    });
    expect(api.ports).toContain('8080:8080');
    // The metrics port stays inside the stack's network.
    expect(api.ports.some((port: string) => port.includes('9464'))).toBe(false);
  });

  it('mounts only files that exist', () => {
    for (const [name, service] of Object.entries<Record<string, any>>(compose.services)) {
      for (const volume of (service.volumes ?? []) as string[]) {
        const [source] = volume.split(':');
        if (source!.startsWith('.')) expect(existsSync(join(DOCKER, source!)), `${name} mounts ${source}`).toBe(true);
      }
    }
  });

  it('has Prometheus scrape the API’s metrics port', () => {
    const prometheus = yamlOf('prometheus/prometheus.yml');
    const job = prometheus.scrape_configs.find((c: { job_name: string }) => c.job_name === 'fngraph');
    expect(job.metrics_path).toBe('/metrics');
    expect(job.static_configs[0].targets).toEqual([`api:${api.environment.FNGRAPH_METRICS_PORT}`]);
    expect(compose.services.prometheus.volumes).toContain('./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });

  it('sends traces API → collector (OTLP/HTTP) → Jaeger (OTLP/gRPC)', () => {
    const collector = yamlOf('otel-collector/config.yaml');
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(collector.exporters['otlp/jaeger'].endpoint).toBe('jaeger:4317');
    expect(collector.service.pipelines.traces).toMatchObject({ receivers: ['otlp'], exporters: ['otlp/jaeger'] });
    expect(compose.services.jaeger.environment.COLLECTOR_OTLP_ENABLED).toBe('true');
  });

  it('provisions Grafana with the Prometheus and Jaeger data sources and the dashboard folder', () => {
    const { datasources } = yamlOf('grafana/provisioning/datasources/datasources.yml');
    expect(datasources.find((d: { type: string }) => d.type === 'prometheus')).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
    expect(datasources.find((d: { type: string }) => d.type === 'jaeger')).toMatchObject({ url: 'http://jaeger:16686' });
    const { providers } = yamlOf('grafana/provisioning/dashboards/dashboards.yml');
    expect(providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    expect(compose.services.grafana.volumes).toContain('./grafana/dashboards:/var/lib/grafana/dashboards:ro');
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(read('grafana/dashboards/fngraph.json')) as {
    panels: Array<{ type: string; title: string; datasource?: { uid: string }; targets?: Array<{ expr: string }> }>;
    templating: { list: Array<{ definition: string }> };
  };
  const graphs = dashboard.panels.filter((p) => p.type !== 'row');
  const expressions = graphs.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  let server: TestServer;
  let exported: Set<string>;

  beforeAll(async () => {
    server = await startTestServer();
    exported = exportedNames((await scrape(server.url)).text);
  });
  afterAll(() => server?.close());

  it('queries only metrics the server exports', () => {
    const used = new Set(expressions.flatMap(metricNames));
    for (const definition of dashboard.templating.list.map((v) => v.definition)) {
      const match = /label_values\(([a-zA-Z_:][\w:]*),/.exec(definition);
      if (match) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(15);
    const unknown = [...used].filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
  });

  it('covers invocations, latency percentiles, cold starts, errors and sandboxes', () => {
    const all = expressions.join('\n');
    for (const name of [
      'fngraph_invocations_total',
      'fngraph_invocation_duration_seconds_bucket',
      'fngraph_invocation_cold_starts_total',
      'fngraph_function_errors_total',
      'fngraph_platform_errors_total',
      'fngraph_sandboxes',
    ]) {
      expect(all).toContain(name);
    }
    for (const quantile of ['0.50', '0.95', '0.99']) expect(all).toContain(`histogram_quantile(${quantile}`);
  });

  it('uses the provisioned Prometheus data source and the Prometheus job name', () => {
    for (const panel of graphs) expect(panel.datasource?.uid, panel.title).toBe('prometheus');
    const jobs = new Set(expressions.flatMap((e) => [...e.matchAll(/job="([^"]+)"/g)].map((m) => m[1])));
    const prometheusJobs = new Set(yamlOf('prometheus/prometheus.yml').scrape_configs.map((c: { job_name: string }) => c.job_name));
    for (const job of jobs) expect(prometheusJobs.has(job), `job ${job}`).toBe(true);
  });
});

/** Metric family names in an exposition (from `# TYPE`), with the series names histograms add. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression selects. */
function metricNames(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping labels
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice(match.index! + match[0].length).trimStart();
    if (rest.startsWith('(') || PROMQL_KEYWORDS.has(match[0].toLowerCase())) continue; // a function or keyword
    names.push(match[0]);
  }
  return names;
}
