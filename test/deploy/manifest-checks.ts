import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { AppConfig } from '@/kernel/config/app-config.js';
import { configSchema } from '@/kernel/config/config.validation.js';
import { QUEUE_PREFIX } from '@/adapters/queue/bullmq/bullmq-invocation-queue.js';
import { generateApiKey } from '@/modules/auth/api-key-token.js';
import { RUNTIME_IDS, runtimeDefinition } from '@/modules/runtimes/runtime-catalog.js';
import { SHIMS_DIR } from '@/modules/runtimes/shim-paths.js';
import { EXAMPLE_SECRETS_FILE, type Located, type Manifest, type ManifestSet, where } from './manifests.js';

/**
 * What a schema validator cannot see: that the manifests agree with each other and with the
 * server (its settings, health endpoints, shutdown grace, queue keys, runtime images, paths).
 * Each check returns problems instead of asserting, so that the test can also prove that a
 * broken manifest is caught.
 */

export const SETTINGS = new Set(Object.keys(configSchema.shape));
export const ROLES: readonly string[] = configSchema.shape.FNGRAPH_ROLE.removeDefault().options;

// The BullMQ queue of async invocations (FNGRAPH_QUEUE_NAME, `invocations` unless set) under the
// key prefix `fngraph`; BullMQ keeps waiting and running jobs in `<prefix>:<queue>:wait` and `…:active`.
export const QUEUE_KEY = `${QUEUE_PREFIX}:${configSchema.shape.FNGRAPH_QUEUE_NAME.parse(undefined)}`;
export const QUEUE_LISTS = { wait: `${QUEUE_KEY}:wait`, active: `${QUEUE_KEY}:active` };

/** After the shutdown grace, time to answer, record, release jobs and flush before SIGKILL. */
export const SHUTDOWN_MARGIN_SECONDS = 10;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The image docker/compose.yml builds from docker/Dockerfile: the manifests run the same one. */
export const SERVER_IMAGE = (parse(readFileSync(join(ROOT, 'docker/compose.yml'), 'utf8')) as { services: { api: { image: string } } }).services.api.image;
/** Where the server image holds the shims (WORKDIR /app, compiled from src into dist). */
export const IMAGE_SHIMS_DIR = join('/app/dist', relative(join(ROOT, 'src'), SHIMS_DIR));
/** The images of the supported runtimes (a deprecated runtime is offered only where an installation still has it). */
export const RUNTIME_IMAGES = RUNTIME_IDS.filter((id) => !runtimeDefinition(id).deprecation).map((id) => runtimeDefinition(id).image);

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];
const DIND_IMAGE = /^docker:[\w.]+-dind$/;

export interface Workload {
  item: Located;
  pod: any;
  labels: Record<string, string>;
}

export const workloadsOf = (items: Located[]): Workload[] =>
  items
    .filter(({ doc }) => WORKLOAD_KINDS.includes(doc.kind))
    .map((item) => ({ item, pod: item.doc.spec.template.spec, labels: item.doc.spec.template.metadata?.labels ?? {} }));

const containersOf = (pod: any): any[] => [...(pod.initContainers ?? []), ...pod.containers];
/** Containers that run alongside the pod's main ones: its containers and native sidecars. */
const runningContainersOf = (pod: any): any[] => [...(pod.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always'), ...pod.containers];
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined && Object.entries(selector).every(([key, value]) => labels[key] === value);
const find = (items: Located[], kind: string, name: string) => items.find(({ doc }) => doc.kind === kind && doc.metadata.name === name);
const mountOf = (container: any, path: string) => (container.volumeMounts ?? []).find((m: any) => m.mountPath === path);

/** A Secret's or ConfigMap's values, decoded. */
function valuesOf(doc: Manifest | undefined): Record<string, string> | undefined {
  if (!doc) return undefined;
  const decoded = Object.fromEntries(
    Object.entries<string>(doc.data ?? {}).map(([k, v]) => [k, doc.kind === 'Secret' ? Buffer.from(v, 'base64').toString() : v]),
  );
  return { ...decoded, ...(doc.stringData ?? {}) };
}

/**
 * The environment Kubernetes would give `container` (envFrom, then env), with the example
 * Secrets' values. Unresolvable references are reported.
 */
export function environmentOf(items: Located[], workload: Workload, container: any, problems: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  const at = `${where(workload.item)} container ${container.name}`;
  const lookup = (kind: string, ref: { name: string; key?: string; optional?: boolean }) => {
    const values = valuesOf(find(items, kind, ref.name)?.doc);
    if (!values) {
      if (!ref.optional) problems.push(`${at}: refers to a missing ${kind} ${ref.name}`);
      return undefined;
    }
    if (ref.key !== undefined && values[ref.key] === undefined && !ref.optional) problems.push(`${at}: ${kind} ${ref.name} has no key ${ref.key}`);
    return values;
  };
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    Object.assign(env, lookup(source.configMapRef ? 'ConfigMap' : 'Secret', ref) ?? {});
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from === undefined) env[variable.name] = String(variable.value ?? '');
    else if (from.fieldRef?.fieldPath === 'metadata.name') env[variable.name] = `${workload.item.doc.metadata.name}-5d4f8b7c9-x2k9q`;
    else if (from.secretKeyRef) env[variable.name] = lookup('Secret', from.secretKeyRef)?.[from.secretKeyRef.key] ?? '';
    else if (from.configMapKeyRef) env[variable.name] = lookup('ConfigMap', from.configMapKeyRef)?.[from.configMapKeyRef.key] ?? '';
    else env[variable.name] = '';
  }
  return env;
}

/** The example Secret holds placeholders the server refuses on purpose; these stand in for real values. */
export function withUsableSecrets(env: Record<string, string>): Record<string, string> {
  const usable = { ...env };
  if (usable.FNGRAPH_MASTER_KEY?.includes('CHANGE-ME')) usable.FNGRAPH_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
  if (usable.FNGRAPH_BOOTSTRAP_ADMIN_KEY?.includes('CHANGE-ME')) usable.FNGRAPH_BOOTSTRAP_ADMIN_KEY = generateApiKey().token;
  return usable;
}

/** The fngraph server containers: the server image, as a main container. */
export const serverContainersOf = (workload: Workload): any[] => workload.pod.containers.filter((c: any) => c.image === SERVER_IMAGE);

const portNumber = (container: any, port: number | string) =>
  typeof port === 'number' ? port : (container.ports ?? []).find((p: any) => p.name === port)?.containerPort;

function preStopSeconds(container: any): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return Number(preStop.sleep.seconds);
  const command: string[] | undefined = preStop?.exec?.command;
  return command?.[0] === 'sleep' ? Number(command[1]) : 0;
}

export function consistencyProblems(set: ManifestSet): string[] {
  const problems: string[] = [];
  const check = (ok: unknown, message: string) => {
    if (!ok) problems.push(message);
  };
  const applied = set.items.filter(({ file }) => file !== EXAMPLE_SECRETS_FILE);
  const { items } = set;
  const workloads = workloadsOf(items);
  const namespace = set.kustomization.namespace;

  // Kustomization: every manifest applied except the placeholder Secrets, into the declared namespace.
  check(
    JSON.stringify([...(set.kustomization.resources ?? [])].sort()) === JSON.stringify(set.files.filter((f) => f !== EXAMPLE_SECRETS_FILE)),
    `kustomization.yaml must list every manifest but ${EXAMPLE_SECRETS_FILE}: lists ${set.kustomization.resources}, folder has ${set.files}`,
  );
  check(find(applied, 'Namespace', namespace ?? '') !== undefined, `kustomization.yaml's namespace ${namespace} is not a Namespace of the manifests`);
  const names = items.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`);
  check(new Set(names).size === names.length, `duplicate objects: ${names.filter((n, i) => names.indexOf(n) !== i)}`);
  for (const item of items.filter(({ doc }) => doc.kind === 'Secret')) {
    for (const [key, value] of Object.entries(valuesOf(item.doc)!)) check(value.includes('CHANGE-ME'), `${where(item)}: ${key} is not a marked placeholder`);
  }

  // Every workload: pinned images, resources, least privilege, resolvable references.
  for (const workload of workloads) {
    const at = where(workload.item);
    const { doc } = workload.item;
    if (doc.spec.selector) check(matches(doc.spec.selector.matchLabels, workload.labels), `${at}: selector does not match the pod labels`);
    check(workload.pod.automountServiceAccountToken === false, `${at}: mounts a service account token it does not need`);
    for (const volume of workload.pod.volumes ?? []) {
      check(volume.hostPath === undefined, `${at}: volume ${volume.name} mounts the node's file system`);
      if (volume.secret)
        check(volume.secret.optional || find(items, 'Secret', volume.secret.secretName), `${at}: volume ${volume.name}: no Secret ${volume.secret.secretName}`);
      if (volume.configMap) check(find(items, 'ConfigMap', volume.configMap.name), `${at}: volume ${volume.name}: no ConfigMap ${volume.configMap.name}`);
    }
    for (const container of containersOf(workload.pod)) {
      const c = `${at} container ${container.name}`;
      check(/^[\w./-]+:[\w.-]+$/.test(container.image) && !container.image.endsWith(':latest'), `${c}: image ${container.image} is not pinned`);
      const { requests = {}, limits = {} } = container.resources ?? {};
      check(requests.cpu && requests.memory && limits.cpu && limits.memory, `${c}: needs CPU and memory requests and limits`);
      const security = container.securityContext ?? {};
      if (security.privileged) {
        check(DIND_IMAGE.test(container.image), `${c}: only the Docker engine sidecar may be privileged`);
      } else {
        check(security.allowPrivilegeEscalation === false, `${c}: allowPrivilegeEscalation must be false`);
        check(security.capabilities?.drop?.includes('ALL'), `${c}: must drop all capabilities`);
        check(security.readOnlyRootFilesystem === true, `${c}: root file system must be read-only`);
        check((security.runAsNonRoot ?? workload.pod.securityContext?.runAsNonRoot) === true, `${c}: must run as non-root`);
      }
      const volumes = [...(workload.pod.volumes ?? []), ...(doc.spec.volumeClaimTemplates ?? []).map((claim: any) => claim.metadata)];
      for (const mount of container.volumeMounts ?? []) {
        check(
          volumes.some((v: any) => v.name === mount.name),
          `${c}: mounts undeclared volume ${mount.name}`,
        );
      }
      environmentOf(items, workload, container, problems);
    }
  }

  // The fngraph server containers.
  const servers = workloads.filter((w) => serverContainersOf(w).length > 0);
  check(servers.length >= 2, `expected api and worker workloads running ${SERVER_IMAGE}, found ${servers.map((w) => where(w.item))}`);
  const traffic = applied.filter(({ doc }) => doc.kind === 'Service' && doc.spec.clusterIP !== 'None');
  for (const workload of servers) {
    const at = where(workload.item);
    for (const container of serverContainersOf(workload)) {
      const c = `${at} container ${container.name}`;
      const env = environmentOf(items, workload, container, problems);
      for (const name of Object.keys(env)) check(SETTINGS.has(name), `${c}: ${name} is not an fngraph setting`);
      check(ROLES.includes(env.FNGRAPH_ROLE ?? ''), `${c}: FNGRAPH_ROLE must be one of ${ROLES}`);
      check(
        env.FNGRAPH_ROLE === workload.item.doc.metadata.labels?.['app.kubernetes.io/component'],
        `${c}: FNGRAPH_ROLE ${env.FNGRAPH_ROLE} differs from its component label`,
      );
      const nodeId = (container.env ?? []).find((v: any) => v.name === 'FNGRAPH_NODE_ID');
      check(nodeId?.valueFrom?.fieldRef?.fieldPath === 'metadata.name', `${c}: FNGRAPH_NODE_ID must come from the pod name`);
      let config: AppConfig;
      try {
        config = AppConfig.fromEnvironment(withUsableSecrets(env));
      } catch (error) {
        problems.push(`${c}: the server would refuse this configuration: ${(error as Error).message}`);
        continue;
      }
      check(config.redisUrl && config.mongodbUri, `${c}: several nodes need REDIS_URL and MONGODB_URI`);
      check(config.env === 'production', `${c}: NODE_ENV must be production`);
      check(config.host === '0.0.0.0', `${c}: HOST must be 0.0.0.0 to be reachable in the pod`);

      // Probes on the server's own port and health endpoints.
      const probes = { livenessProbe: '/health/live', readinessProbe: '/health/ready', startupProbe: '/health/live' };
      for (const [probe, path] of Object.entries(probes)) {
        const get = container[probe]?.httpGet;
        if (probe === 'startupProbe' && !container[probe]) continue;
        check(get?.path === path, `${c}: ${probe} must GET ${path}`);
        check(get && portNumber(container, get.port) === config.port, `${c}: ${probe} must hit PORT ${config.port}`);
      }
      const metricsPort = config.observability.metricsPort;
      check(
        metricsPort === undefined || (container.ports ?? []).some((p: any) => p.containerPort === metricsPort),
        `${c}: metrics port ${metricsPort} not declared`,
      );

      // Shutdown: the pod outlives the server's grace; pods that receive traffic drain first.
      const preStop = preStopSeconds(container);
      const grace = workload.pod.terminationGracePeriodSeconds ?? 30;
      check(
        grace >= preStop + config.shutdownGraceSeconds + SHUTDOWN_MARGIN_SECONDS,
        `${c}: terminationGracePeriodSeconds ${grace} < preStop ${preStop} + FNGRAPH_SHUTDOWN_GRACE_SECONDS ${config.shutdownGraceSeconds} + ${SHUTDOWN_MARGIN_SECONDS}`,
      );
      if (traffic.some(({ doc }) => matches(doc.spec.selector, workload.labels))) {
        check(preStop >= 5, `${c}: behind a Service, needs a preStop delay so that endpoints drain before SIGTERM`);
      }

      if (config.executor === 'docker') dockerProblems(items, workload, container, config, problems);
      else problems.push(`${c}: FNGRAPH_EXECUTOR=${config.executor}: these checks (and README) describe the Docker executor`);
      storeProblems(items, c, config, problems);
    }
  }

  // Services, budgets, policies and autoscalers point at what exists.
  for (const item of applied) {
    const { doc } = item;
    const at = where(item);
    if (doc.kind === 'Service') {
      const targets = workloads.filter((w) => matches(doc.spec.selector, w.labels));
      check(targets.length > 0, `${at}: selects no pods`);
      for (const port of doc.spec.ports) {
        for (const target of targets) {
          const found = runningContainersOf(target.pod).some((container) => portNumber(container, port.targetPort ?? port.port) !== undefined);
          check(found, `${at}: port ${port.name} targets ${port.targetPort ?? port.port}, which ${where(target.item)} does not declare`);
        }
      }
    }
    if (doc.kind === 'StatefulSet') check(find(applied, 'Service', doc.spec.serviceName), `${at}: no Service ${doc.spec.serviceName}`);
    if (doc.kind === 'PodDisruptionBudget')
      check(
        workloads.some((w) => matches(doc.spec.selector.matchLabels, w.labels)),
        `${at}: selects no pods`,
      );
    if (doc.kind === 'NetworkPolicy') {
      const selected = workloads.filter((w) => matches(doc.spec.podSelector.matchLabels, w.labels));
      check(selected.length > 0, `${at}: selects no pods`);
      for (const rule of doc.spec.ingress ?? []) {
        for (const peer of rule.from ?? []) {
          if (peer.podSelector)
            check(
              workloads.some((w) => matches(peer.podSelector.matchLabels, w.labels)),
              `${at}: a peer selects no pods`,
            );
        }
        for (const { port } of rule.ports ?? []) {
          for (const target of selected) {
            check(
              runningContainersOf(target.pod).some((c) => portNumber(c, port) !== undefined),
              `${at}: port ${port} is not declared by ${where(target.item)}`,
            );
          }
        }
      }
    }
    if (doc.kind === 'HorizontalPodAutoscaler' || doc.kind === 'ScaledObject') {
      const target = find(applied, doc.spec.scaleTargetRef.kind ?? 'Deployment', doc.spec.scaleTargetRef.name);
      check(target, `${at}: scales a missing ${doc.spec.scaleTargetRef.name}`);
      const min = doc.spec.minReplicas ?? doc.spec.minReplicaCount;
      const max = doc.spec.maxReplicas ?? doc.spec.maxReplicaCount;
      check(min !== undefined && max !== undefined && min <= max, `${at}: needs minimum ≤ maximum replicas`);
      check(target?.doc.spec.replicas === undefined, `${at}: ${doc.spec.scaleTargetRef.name} sets replicas, which every apply would reset`);
      for (const metric of doc.spec.metrics ?? []) {
        if (metric.type !== 'ContainerResource') continue;
        const names = target ? containersOf(target.doc.spec.template.spec).map((c) => c.name) : [];
        check(names.includes(metric.containerResource.container), `${at}: no container ${metric.containerResource.container} in the target`);
      }
    }
    if (doc.kind === 'ScaledObject') kedaProblems(items, item, namespace, problems);
  }
  return problems;
}

/** The pod's own Docker engine: a native sidecar sharing the socket, the data directory and the shims. */
function dockerProblems(items: Located[], workload: Workload, server: any, config: AppConfig, problems: string[]): void {
  const check = (ok: unknown, message: string) => {
    if (!ok) problems.push(`${where(workload.item)}: ${message}`);
  };
  const init: any[] = workload.pod.initContainers ?? [];
  const engineIndex = init.findIndex((c) => DIND_IMAGE.test(c.image));
  const engine = init[engineIndex];
  check(engine?.restartPolicy === 'Always', 'FNGRAPH_EXECUTOR=docker needs a Docker engine as a native sidecar (an init container with restartPolicy Always)');
  if (!engine) return;
  const socket = /^unix:\/\/(\/.+)$/.exec(config.dockerHost)?.[1];
  check(socket, `FNGRAPH_DOCKER_HOST ${config.dockerHost} must be the sidecar's unix socket`);
  check(engine.args?.includes(`--host=${config.dockerHost}`), `the engine must listen on FNGRAPH_DOCKER_HOST ${config.dockerHost}`);
  check(engine.args?.includes('--bridge=none'), 'the engine must give containers no network (--bridge=none)');
  check(engine.args?.includes(`--group=${server.securityContext?.runAsGroup}`), "the engine's socket must belong to the server's group");
  const shared = (path: string) => {
    const mine = mountOf(server, path)?.name;
    return mine !== undefined && mountOf(engine, path)?.name === mine;
  };
  if (socket) check(shared(dirname(socket)), `the server and the engine must share ${dirname(socket)}`);
  // The engine resolves bind-mount sources (dependencies, shims) in its own file system.
  check(shared(config.dataDir), `the engine must mount the server's data directory ${config.dataDir} at the same path`);
  const shims = mountOf(engine, IMAGE_SHIMS_DIR)?.name;
  check(shims, `the engine must mount the shims at ${IMAGE_SHIMS_DIR}, where the server image has them`);
  const copier = init.slice(0, engineIndex).find((c) => c.image === SERVER_IMAGE && (c.volumeMounts ?? []).some((m: any) => m.name === shims));
  check(copier?.command?.join(' ').includes(IMAGE_SHIMS_DIR), "an init container must copy the server image's shims to the engine's volume");
  const loader = init.slice(engineIndex + 1).find((c) => (c.envFrom ?? []).some((s: any) => s.configMapRef));
  const loaderEnv = loader ? environmentOf(items, workload, loader, problems) : {};
  check(loaderEnv.DOCKER_HOST === config.dockerHost, 'an init container after the engine must load the runtime images into it');
  const images = (loaderEnv.RUNTIME_IMAGES ?? '').split(/\s+/).filter(Boolean).sort();
  check(
    JSON.stringify(images) === JSON.stringify([...RUNTIME_IMAGES].sort()),
    `runtime images ${images} differ from the runtime catalogue's ${RUNTIME_IMAGES}`,
  );
}

/** REDIS_URL and MONGODB_URI point at the manifests' Redis and replica set, with their passwords. */
function storeProblems(items: Located[], at: string, config: AppConfig, problems: string[]): void {
  const check = (ok: unknown, message: string) => {
    if (!ok) problems.push(`${at}: ${message}`);
  };
  const redisUrl = new URL(config.redisUrl!);
  const redisService = find(items, 'Service', redisUrl.hostname);
  check(
    redisService?.doc.spec.ports.some((p: any) => p.port === Number(redisUrl.port || 6379)),
    `REDIS_URL ${redisUrl.host} is no Service port`,
  );
  check(
    decodeURIComponent(redisUrl.password) === valuesOf(find(items, 'Secret', 'redis-credentials')?.doc)?.password,
    "REDIS_URL's password is not redis-credentials'",
  );
  const redis = find(items, 'StatefulSet', 'redis')?.doc.spec.template.spec.containers[0];
  const args: string[] = redis?.args ?? [];
  const option = (name: string) => args[args.indexOf(name) + 1];
  check(option('--appendonly') === 'yes' && option('--appendfsync') !== 'no', 'Redis holds the queue: it needs AOF persistence with fsync');
  check(option('--maxmemory-policy') === 'noeviction', 'BullMQ needs Redis with maxmemory-policy noeviction');

  const uri = /^mongodb:\/\/([^:@]+):([^@]+)@([^/]+)\/([^?]*)\?(.*)$/.exec(config.mongodbUri!);
  check(uri, 'MONGODB_URI must name a user, a password, the members and the database');
  if (!uri) return;
  const [, user, password, hosts, , query] = uri;
  const params = new URLSearchParams(query);
  const mongo = items.find(({ doc }) => doc.kind === 'StatefulSet' && doc.spec.template.spec.containers[0].args?.includes('--replSet'))?.doc;
  check(mongo, 'no MongoDB replica set StatefulSet');
  if (!mongo) return;
  const mongoArgs: string[] = mongo.spec.template.spec.containers[0].args;
  const replicaSet = mongoArgs[mongoArgs.indexOf('--replSet') + 1];
  const members = Array.from({ length: mongo.spec.replicas }, (_, i) => `${mongo.metadata.name}-${i}.${mongo.spec.serviceName}:27017`);
  check(mongo.spec.replicas >= 3 && mongo.spec.replicas % 2 === 1, 'the replica set needs an odd number of members, at least 3');
  check(find(items, 'Service', mongo.spec.serviceName)?.doc.spec.clusterIP === 'None', 'the replica set needs a headless Service');
  check(hosts === members.join(','), `MONGODB_URI lists ${hosts}, the replica set is ${members}`);
  check(params.get('replicaSet') === replicaSet, `MONGODB_URI must name replicaSet=${replicaSet}`);
  check(params.get('w') === 'majority', 'MONGODB_URI must ask for w=majority (records survive a member loss)');
  check(
    decodeURIComponent(password!) === valuesOf(find(items, 'Secret', 'mongo-credentials')?.doc)?.['app-password'],
    "MONGODB_URI's password is not mongo-credentials' app-password",
  );
  const script = Object.values(valuesOf(find(items, 'ConfigMap', 'mongo-init-script')?.doc) ?? {}).join('\n');
  for (const member of members) check(script.includes(`'${member}'`), `the replica set init script does not add ${member}`);
  check(
    script.includes(`_id: '${replicaSet}'`) && script.includes(`user: '${user}'`),
    `the init script must initiate ${replicaSet} and create the user ${user}`,
  );
  check(find(items, 'Job', 'mongo-init'), 'a Job must form the replica set');
}

/** KEDA reads BullMQ's lists on the manifests' Redis, by its full name (KEDA runs in its own namespace). */
function kedaProblems(items: Located[], item: Located, namespace: string | undefined, problems: string[]): void {
  const check = (ok: unknown, message: string) => {
    if (!ok) problems.push(`${where(item)}: ${message}`);
  };
  const triggers: any[] = item.doc.spec.triggers;
  const lists = triggers.map((t) => t.metadata.listName);
  check(lists.includes(QUEUE_LISTS.wait), `must scale on the queue's waiting list ${QUEUE_LISTS.wait}`);
  for (const trigger of triggers) {
    check(trigger.type === 'redis', `trigger ${trigger.type}: expected the Redis scaler`);
    check(
      Object.values(QUEUE_LISTS).includes(trigger.metadata.listName),
      `listName ${trigger.metadata.listName} is none of the queue's lists ${Object.values(QUEUE_LISTS)}`,
    );
    check(Number(trigger.metadata.listLength) > 0, 'listLength must be a positive target');
    const [host, port] = String(trigger.metadata.address).split(':');
    const [service, ns, ...rest] = host!.split('.');
    check(ns === namespace && rest.join('.') === 'svc.cluster.local', `address ${host} must be <service>.${namespace}.svc.cluster.local`);
    check(
      find(items, 'Service', service!)?.doc.spec.ports.some((p: any) => p.port === Number(port)),
      `address ${trigger.metadata.address} is no Service port`,
    );
    const auth = find(items, 'TriggerAuthentication', trigger.authenticationRef?.name ?? '');
    check(auth, `authenticationRef ${trigger.authenticationRef?.name} does not exist`);
    for (const ref of auth?.doc.spec.secretTargetRef ?? []) {
      check(valuesOf(find(items, 'Secret', ref.name)?.doc)?.[ref.key] !== undefined, `TriggerAuthentication refers to missing ${ref.name}/${ref.key}`);
    }
  }
}
