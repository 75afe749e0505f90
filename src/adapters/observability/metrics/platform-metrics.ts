import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '@/kernel/config/app-config.js';
import { MetricsExporter } from '@/kernel/telemetry/metrics-exporter.js';
import { INVOCATION_TRIGGERS } from '@/modules/invocations/invocation.record.js';
import { FirstSeenLabels, OVERFLOW_LABEL, RecentLabels } from './label-limits.js';

/** Seconds; from sub-millisecond warm calls to the longest allowed timeout. */
const INVOCATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
/** Seconds; sandbox start-ups and queue waits. */
const STARTUP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; a storage query or Redis command. */
const IO_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
/** Seconds; dependency builds. */
const BUILD_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Statuses and triggers an invocation series can carry (for removing a version's series). */
const FINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED', 'REJECTED', 'DEAD_LETTERED'];

/** What the node's sandboxes wrote, cumulative since start-up (`ExecutorService.sandboxOutput`). */
export interface SandboxOutputCounts {
  bytes: number;
  floods: number;
  lateLines: number;
  unattributedBytes: number;
}

export interface SandboxCount {
  functionName: string;
  busy: number;
  idle: number;
}

export interface AutoscalingCount {
  functionName: string;
  version: string;
  desired: number;
  panicking: boolean;
}

export interface OwnerSandboxUsage {
  owners: Array<{ ownerId: string; sandboxes: number; memoryMb: number }>;
  /** The per-owner caps (the same for every owner). */
  maxSandboxes: number;
  memoryMb: number;
}

export interface AutoscalingSource {
  versions(): AutoscalingCount[];
  node(): { inUse: number; limit: number };
  nodeMemory(): { inUseMb: number; limitMb: number };
  owners(): OwnerSandboxUsage;
}

const MiB = 1024 * 1024;
/** The owner label of functions registered before owners existed. */
const NO_OWNER_LABEL = '_none';

/**
 * Every Prometheus metric fngraph exports, in one registry per server (not prom-client's
 * global one, so several servers can share a process in tests). Label values that come
 * from users (function names, versions, GraphQL operation names) are capped here.
 *
 * Function failures (`fngraph_function_errors_total`, timeouts, OOM kills) are what the
 * functions did; `fngraph_platform_errors_total` counts fngraph's own unexpected errors.
 */
@Injectable()
export class PlatformMetrics extends MetricsExporter {
  readonly registry = new Registry();
  private readonly functionNames: FirstSeenLabels;
  private readonly versions: RecentLabels;
  private readonly operationNames: FirstSeenLabels;
  /** Owner ids are bounded by the sandboxes on the node, and capped further (`FNGRAPH_METRICS_MAX_OWNERS`). */
  private readonly ownerIds: FirstSeenLabels;
  private readonly perOwnerSeries: boolean;
  private sandboxSource: (() => SandboxCount[]) | null = null;
  private autoscalingSource: AutoscalingSource | null = null;
  private sandboxOutputSource: (() => SandboxOutputCounts) | null = null;
  private egressSource: (() => { allowed: number; denied: number }) | null = null;

  readonly invocations = this.counter('fngraph_invocations_total', 'Finished invocations', ['function', 'version', 'status', 'trigger']);
  readonly invocationDuration = this.histogram(
    'fngraph_invocation_duration_seconds',
    'Time from handing the event to the sandbox until its answer',
    ['function', 'version', 'status'],
    INVOCATION_BUCKETS,
  );
  readonly initDuration = this.histogram(
    'fngraph_invocation_init_duration_seconds',
    'Sandbox start plus function load, for cold starts',
    ['function'],
    STARTUP_BUCKETS,
  );
  readonly coldStarts = this.counter('fngraph_invocation_cold_starts_total', 'Invocations that started a new sandbox', ['function']);
  readonly throttles = this.counter(
    'fngraph_invocation_throttles_total',
    'Invocations rejected because every instance was busy and the queue was full or too slow',
    ['function'],
  );
  readonly timeouts = this.counter('fngraph_function_timeouts_total', 'Invocations that exceeded their timeout', ['function']);
  readonly oomKills = this.counter('fngraph_function_oom_kills_total', 'Invocations that exceeded their memory limit', ['function']);
  readonly functionErrors = this.counter('fngraph_function_errors_total', "Invocations that failed by the function's own doing (status FAILED)", ['function']);
  readonly contractViolations = this.counter(
    'fngraph_contract_violations_total',
    "Requests refused by their version's input contract (part=input) and results that broke its output contract (part=output, flagged or refused)",
    ['function', 'part'],
  );
  readonly inFlight = this.gauge('fngraph_invocations_in_flight', 'Invocations running on this node', ['function']);
  readonly queueDepth = this.gauge('fngraph_queue_depth', 'Queued invocations waiting for a worker (reported by worker nodes)', []);
  readonly recordBacklog = this.gauge('fngraph_record_backlog', 'Invocation records on this node waiting to be written to storage', []);
  readonly recordBacklogHighWater = this.gauge('fngraph_record_backlog_high_water', 'The most invocation records ever waiting at once on this node', []);
  readonly acquireWait = this.histogram(
    'fngraph_sandbox_acquire_wait_seconds',
    'Time until a sandbox was assigned: queue wait (warm), plus start-up (cold)',
    ['function', 'start'],
    STARTUP_BUCKETS,
  );
  readonly sandboxes = new Gauge({
    name: 'fngraph_sandboxes',
    help: 'Sandboxes on this node per function: busy (serving or starting) and idle (warm)',
    labelNames: ['function', 'state'],
    registers: [this.registry],
    collect: () => this.collectSandboxes(),
  });
  readonly desiredSandboxes = new Gauge({
    name: 'fngraph_desired_sandboxes',
    help: 'Sandboxes the autoscaler wants on this node per function version (within minInstances and maxInstances)',
    labelNames: ['function', 'version'],
    registers: [this.registry],
    collect: () => this.collectDesired(),
  });
  readonly autoscalerPanic = new Gauge({
    name: 'fngraph_autoscaler_panic',
    help: 'Whether the autoscaler is in panic mode (scaling on the short window, never down) for a version of the function: 1 or 0',
    labelNames: ['function'],
    registers: [this.registry],
    collect: () => this.collectPanic(),
  });
  readonly nodeSandboxes = new Gauge({
    name: 'fngraph_node_sandboxes',
    help: 'Sandboxes of function versions on this node (in_use) and the most allowed (limit, FNGRAPH_MAX_SANDBOXES)',
    labelNames: ['state'],
    registers: [this.registry],
    collect: () => this.collectNodeSandboxes(),
  });
  readonly nodeSandboxMemory = new Gauge({
    name: 'fngraph_node_sandbox_memory_bytes',
    help: 'Sum of the memory limits of the sandboxes of function versions on this node (in_use) and the budget (limit, FNGRAPH_NODE_MEMORY_BUDGET_MB)',
    labelNames: ['state'],
    registers: [this.registry],
    collect: () => this.collectNodeSandboxMemory(),
  });
  readonly ownerSandboxes: Gauge<'owner'> = new Gauge({
    name: 'fngraph_owner_sandboxes',
    help: "Sandboxes of an owner's functions on this node (owners beyond FNGRAPH_METRICS_MAX_OWNERS share _other)",
    labelNames: ['owner'],
    registers: [this.registry],
    collect: () => this.collectOwners(this.ownerSandboxes, (owner) => owner.sandboxes),
  });
  readonly ownerSandboxMemory: Gauge<'owner'> = new Gauge({
    name: 'fngraph_owner_sandbox_memory_bytes',
    help: "Sum of the memory limits of an owner's sandboxes on this node",
    labelNames: ['owner'],
    registers: [this.registry],
    collect: () => this.collectOwners(this.ownerSandboxMemory, (owner) => owner.memoryMb * MiB),
  });
  readonly ownerLimits = new Gauge({
    name: 'fngraph_owner_sandbox_limit',
    help: 'Per-owner caps on this node: sandboxes (FNGRAPH_OWNER_MAX_SANDBOXES) and memory_bytes (FNGRAPH_OWNER_MEMORY_MB)',
    labelNames: ['resource'],
    registers: [this.registry],
    collect: () => this.collectOwnerLimits(),
  });
  readonly shadowComparisons = this.counter(
    'fngraph_shadow_comparisons_total',
    "Calls of aliases' shadow traffic by outcome: identical, different, failed (the shadow run was refused), skipped (no room on the node)",
    ['outcome'],
  );
  readonly builds = this.counter('fngraph_builds_total', 'Finished dependency builds', ['status']);
  readonly buildDuration = this.histogram('fngraph_build_duration_seconds', 'Dependency build time', ['status'], BUILD_BUCKETS);
  readonly sandboxOutputBytes = this.sourcedCounter(
    'fngraph_sandbox_output_bytes_total',
    'Output bytes read from sandboxes (log frames and raw output)',
    (c) => c.bytes,
  );
  readonly sandboxOutputFloods = this.sourcedCounter(
    'fngraph_sandbox_output_floods_total',
    'Sandboxes killed for writing beyond their output budget (FNGRAPH_SANDBOX_OUTPUT_*)',
    (c) => c.floods,
  );
  readonly sandboxLateLines = this.sourcedCounter(
    'fngraph_sandbox_late_log_lines_total',
    'Log lines dropped because they belong to no invocation in flight (printed after their invocation returned)',
    (c) => c.lateLines,
  );
  readonly sandboxUnattributedBytes = this.sourcedCounter(
    'fngraph_sandbox_unattributed_output_bytes_total',
    'Raw output bytes dropped because they arrived while the sandbox ran no invocation',
    (c) => c.unattributedBytes,
  );
  readonly egressConnections = (() => {
    const source = () => this.egressSource?.();
    return new Counter({
      name: 'fngraph_egress_connections_total',
      help: "Connections of functions with network access, by the egress gateway's decision (allowed, denied)",
      labelNames: ['decision'],
      registers: [this.registry],
      collect() {
        const counts = source();
        this.reset();
        this.inc({ decision: 'allowed' }, counts?.allowed ?? 0);
        this.inc({ decision: 'denied' }, counts?.denied ?? 0);
      },
    });
  })();
  readonly graphqlOperations = this.counter('fngraph_graphql_operations_total', 'GraphQL operations', ['operation', 'type', 'outcome', 'transport']);
  readonly graphqlDuration = this.histogram(
    'fngraph_graphql_operation_duration_seconds',
    'GraphQL query and mutation time (subscriptions excluded)',
    ['operation', 'type', 'transport'],
    INVOCATION_BUCKETS,
  );
  readonly graphqlErrors = this.counter('fngraph_graphql_errors_total', 'Errors in GraphQL responses, by extensions.code', ['code']);
  readonly subscriptions = this.gauge('fngraph_graphql_subscriptions', 'Active graphql-ws subscriptions by root field', ['field']);
  readonly storageDuration = this.histogram(
    'fngraph_storage_operation_duration_seconds',
    'Storage port calls (MongoDB or SQLite)',
    ['repository', 'operation', 'outcome'],
    IO_BUCKETS,
  );
  readonly rateLimiterDegraded = this.gauge(
    'fngraph_rate_limiter_degraded',
    'Whether the shared rate-limit counters (Redis) were unreachable at the last check (1): limits are then per node or refusing',
    [],
  );
  readonly redisDuration = this.histogram('fngraph_redis_command_duration_seconds', 'Redis commands', ['command', 'outcome'], IO_BUCKETS);
  readonly platformErrors = this.counter('fngraph_platform_errors_total', "fngraph's own unexpected errors (not the functions')", ['source']);

  constructor(config: AppConfig) {
    super();
    const limits = config.observability;
    this.functionNames = new FirstSeenLabels(limits.metricsMaxFunctions);
    this.operationNames = new FirstSeenLabels(limits.metricsMaxOperations);
    this.ownerIds = new FirstSeenLabels(limits.metricsMaxOwners);
    this.perOwnerSeries = limits.metricsMaxOwners > 0;
    this.versions = new RecentLabels(limits.metricsMaxVersions, (fn, version) => this.removeVersionSeries(fn, version));
    collectDefaultMetrics({ register: this.registry });
  }

  /** The label of a function name (capped). */
  functionLabel(name: string): string {
    return this.functionNames.label(name);
  }

  /** The label of a version of a function whose label is `functionLabel`. */
  versionLabel(functionLabel: string, version: string): string {
    return this.versions.label(functionLabel, version);
  }

  /** The label of a GraphQL operation name (capped); `anonymous` for unnamed ones. */
  operationLabel(name: string | null | undefined): string {
    return name ? this.operationNames.label(name) : 'anonymous';
  }

  /** Where the sandbox gauge reads its values at scrape time. */
  setSandboxSource(source: () => SandboxCount[]): void {
    this.sandboxSource = source;
  }

  /** Where the autoscaling gauges read their values at scrape time. */
  setAutoscalingSource(source: AutoscalingSource): void {
    this.autoscalingSource = source;
  }

  /** Where the egress counters are read at scrape time. */
  setEgressSource(source: () => { allowed: number; denied: number }): void {
    this.egressSource = source;
  }

  setSandboxOutputSource(source: () => SandboxOutputCounts): void {
    this.sandboxOutputSource = source;
  }

  /** A finished dependency build (this node's builds: see `BuildObserver`). */
  recordBuild(durationMs: number, status: 'READY' | 'FAILED'): void {
    this.builds.inc({ status });
    this.buildDuration.observe({ status }, durationMs / 1000);
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private collectSandboxes(): void {
    this.sandboxes.reset();
    if (!this.sandboxSource) return;
    const totals = new Map<string, { busy: number; idle: number }>();
    for (const { functionName, busy, idle } of this.sandboxSource()) {
      const label = this.functionLabel(functionName);
      const total = totals.get(label) ?? { busy: 0, idle: 0 };
      total.busy += busy;
      total.idle += idle;
      totals.set(label, total);
    }
    for (const [fn, { busy, idle }] of totals) {
      this.sandboxes.set({ function: fn, state: 'busy' }, busy);
      this.sandboxes.set({ function: fn, state: 'idle' }, idle);
    }
  }

  private collectDesired(): void {
    this.desiredSandboxes.reset();
    for (const { functionName, version, desired } of this.autoscalingSource?.versions() ?? []) {
      const fn = this.functionLabel(functionName);
      this.desiredSandboxes.inc({ function: fn, version: this.versionLabel(fn, version) }, desired);
    }
  }

  private collectPanic(): void {
    this.autoscalerPanic.reset();
    const panicking = new Map<string, boolean>();
    for (const { functionName, panicking: panic } of this.autoscalingSource?.versions() ?? []) {
      const fn = this.functionLabel(functionName);
      panicking.set(fn, (panicking.get(fn) ?? false) || panic);
    }
    for (const [fn, panic] of panicking) this.autoscalerPanic.set({ function: fn }, panic ? 1 : 0);
  }

  private collectNodeSandboxes(): void {
    this.nodeSandboxes.reset();
    if (!this.autoscalingSource) return;
    const { inUse, limit } = this.autoscalingSource.node();
    this.nodeSandboxes.set({ state: 'in_use' }, inUse);
    this.nodeSandboxes.set({ state: 'limit' }, limit);
  }

  private collectNodeSandboxMemory(): void {
    this.nodeSandboxMemory.reset();
    if (!this.autoscalingSource) return;
    const { inUseMb, limitMb } = this.autoscalingSource.nodeMemory();
    this.nodeSandboxMemory.set({ state: 'in_use' }, inUseMb * MiB);
    this.nodeSandboxMemory.set({ state: 'limit' }, limitMb * MiB);
  }

  private collectOwners(gauge: Gauge<'owner'>, value: (owner: OwnerSandboxUsage['owners'][number]) => number): void {
    gauge.reset();
    if (!this.autoscalingSource || !this.perOwnerSeries) return;
    for (const owner of this.autoscalingSource.owners().owners) {
      gauge.inc({ owner: this.ownerIds.label(owner.ownerId === '' ? NO_OWNER_LABEL : owner.ownerId) }, value(owner));
    }
  }

  private collectOwnerLimits(): void {
    this.ownerLimits.reset();
    if (!this.autoscalingSource) return;
    const { maxSandboxes, memoryMb } = this.autoscalingSource.owners();
    this.ownerLimits.set({ resource: 'sandboxes' }, maxSandboxes);
    this.ownerLimits.set({ resource: 'memory_bytes' }, memoryMb * MiB);
  }

  private removeVersionSeries(fn: string, version: string): void {
    for (const status of FINAL_STATUSES) {
      this.invocationDuration.remove({ function: fn, version, status });
      for (const trigger of INVOCATION_TRIGGERS) this.invocations.remove({ function: fn, version, status, trigger });
    }
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A counter kept elsewhere (the executor's), read at each scrape. */
  private sourcedCounter(name: string, help: string, read: (counts: SandboxOutputCounts) => number): Counter {
    const source = () => this.sandboxOutputSource?.();
    return new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        const counts = source();
        this.reset();
        if (counts) this.inc(read(counts));
      },
    });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}

export { OVERFLOW_LABEL };
