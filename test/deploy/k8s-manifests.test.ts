import { describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { consistencyProblems, environmentOf, QUEUE_LISTS, serverContainersOf, SERVER_IMAGE, withUsableSecrets, workloadsOf } from './manifest-checks.js';
import { EXAMPLE_SECRETS_FILE, loadManifests, type ManifestSet, schemaProblems } from './manifests.js';

/**
 * deploy/k8s, checked without a cluster: every document against the Kubernetes (and KEDA)
 * schema of its kind, then against the server and each other (manifest-checks.ts). The last
 * group breaks copies of the manifests on purpose, to show that the checks catch it.
 */
const manifests = loadManifests();
const byName = (set: ManifestSet, kind: string, name: string) => set.items.find(({ doc }) => doc.kind === kind && doc.metadata.name === name)!.doc;
const broken = (change: (set: ManifestSet) => void): ManifestSet => {
  const copy = structuredClone(manifests);
  change(copy);
  return copy;
};
const serverOf = (set: ManifestSet, name: string) => byName(set, 'Deployment', name).spec.template.spec.containers.find((c: any) => c.name === 'fngraph');

describe('deploy/k8s', () => {
  it('holds the api and worker Deployments, Redis, a MongoDB replica set, autoscaling and budgets', () => {
    const kinds = manifests.items.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment/fngraph-api',
        'Service/fngraph-api',
        'HorizontalPodAutoscaler/fngraph-api',
        'PodDisruptionBudget/fngraph-api',
        'Deployment/fngraph-worker',
        'ScaledObject/fngraph-worker',
        'PodDisruptionBudget/fngraph-worker',
        'StatefulSet/redis',
        'Service/redis',
        'StatefulSet/mongo',
        'Service/mongo',
        'PodDisruptionBudget/mongo',
        'Job/mongo-init',
        'Secret/fngraph-secrets',
      ]),
    );
  });

  it('validates every document against the schema of its kind', () => {
    expect(manifests.items.length).toBeGreaterThan(20);
    expect(schemaProblems(manifests.items)).toEqual([]);
  });

  it('agrees with the server and with itself', () => {
    expect(consistencyProblems(manifests)).toEqual([]);
  });

  it('runs the image docker/compose.yml builds, as api and worker', () => {
    const roles = workloadsOf(manifests.items).flatMap((w) => serverContainersOf(w).map((c) => environmentOf(manifests.items, w, c, []).FNGRAPH_ROLE));
    expect(SERVER_IMAGE).toMatch(/^fngraph\/\w+:\d/);
    expect(roles.sort()).toEqual(['api', 'worker']);
  });

  it('scales workers on the BullMQ waiting list of the invocations queue', () => {
    const scaled = byName(manifests, 'ScaledObject', 'fngraph-worker');
    expect(scaled.spec.triggers.map((t: any) => t.metadata.listName)).toContain('fngraph:invocations:wait');
    expect(QUEUE_LISTS.wait).toBe('fngraph:invocations:wait');
  });

  it('ships only placeholder secrets, which the server refuses to start with', () => {
    expect(manifests.kustomization.resources).not.toContain(EXAMPLE_SECRETS_FILE);
    const api = workloadsOf(manifests.items).find((w) => w.item.doc.metadata.name === 'fngraph-api')!;
    const env = environmentOf(manifests.items, api, serverContainersOf(api)[0], []);
    expect(() => AppConfig.fromEnvironment(env)).toThrow(/FNGRAPH_MASTER_KEY[\s\S]*FNGRAPH_BOOTSTRAP_ADMIN_KEY/);
    expect(() => AppConfig.fromEnvironment(withUsableSecrets(env))).not.toThrow();
  });
});

describe('the checks catch broken manifests', () => {
  const schemaOf = (set: ManifestSet) => schemaProblems(set.items);

  it('a field of the wrong type', () => {
    const set = broken((s) => (serverOf(s, 'fngraph-api').ports[0].containerPort = '8080'));
    expect(schemaOf(set).join('\n')).toMatch(/Deployment\/fngraph-api: .*containerPort must be integer/);
  });

  it('a ScaledObject without a target', () => {
    const set = broken((s) => delete byName(s, 'ScaledObject', 'fngraph-worker').spec.scaleTargetRef);
    expect(schemaOf(set).join('\n')).toMatch(/ScaledObject\/fngraph-worker: .*scaleTargetRef/);
  });

  it('an unknown setting, a wrong role, a probe on the wrong path', () => {
    const set = broken((s) => {
      const server = serverOf(s, 'fngraph-worker');
      server.env.push({ name: 'FNGRAPH_SHUTDOWN_GRACE', value: '10' });
      server.env.find((v: any) => v.name === 'FNGRAPH_ROLE').value = 'api';
      serverOf(s, 'fngraph-api').readinessProbe.httpGet.path = '/health/live';
    });
    const problems = consistencyProblems(set).join('\n');
    expect(problems).toContain('FNGRAPH_SHUTDOWN_GRACE is not an fngraph setting');
    expect(problems).toContain('FNGRAPH_ROLE api differs from its component label');
    expect(problems).toContain('readinessProbe must GET /health/ready');
  });

  it('a shutdown grace longer than the pod is given', () => {
    const set = broken((s) => {
      serverOf(s, 'fngraph-worker').env.find((v: any) => v.name === 'FNGRAPH_SHUTDOWN_GRACE_SECONDS').value = '600';
      delete serverOf(s, 'fngraph-api').lifecycle;
    });
    const problems = consistencyProblems(set).join('\n');
    expect(problems).toMatch(/fngraph-worker.*terminationGracePeriodSeconds 150 < preStop 0 \+ FNGRAPH_SHUTDOWN_GRACE_SECONDS 600/);
    expect(problems).toMatch(/fngraph-api.*needs a preStop delay/);
  });

  it('a KEDA list that is not the queue, a Service port no pod has, a selector matching nothing', () => {
    const set = broken((s) => {
      byName(s, 'ScaledObject', 'fngraph-worker').spec.triggers[0].metadata.listName = 'bull:invocations:wait';
      byName(s, 'Service', 'fngraph-api').spec.ports[0].targetPort = 'web';
      byName(s, 'PodDisruptionBudget', 'mongo').spec.selector.matchLabels['app.kubernetes.io/name'] = 'mongodb';
    });
    const problems = consistencyProblems(set).join('\n');
    expect(problems).toContain('listName bull:invocations:wait is none of the queue');
    expect(problems).toMatch(/Service\/fngraph-api: port http targets web/);
    expect(problems).toMatch(/PodDisruptionBudget\/mongo: selects no pods/);
  });

  it('stores that do not match: a replica set member missing from MONGODB_URI, Redis without AOF', () => {
    const set = broken((s) => {
      const secret = byName(s, 'Secret', 'fngraph-secrets');
      secret.stringData.MONGODB_URI = secret.stringData.MONGODB_URI.replace(',mongo-2.mongo:27017', '');
      const args: string[] = byName(s, 'StatefulSet', 'redis').spec.template.spec.containers[0].args;
      args[args.indexOf('--appendonly') + 1] = 'no';
    });
    const problems = consistencyProblems(set).join('\n');
    expect(problems).toContain('MONGODB_URI lists mongo-0.mongo:27017,mongo-1.mongo:27017, the replica set is');
    expect(problems).toContain('it needs AOF persistence');
  });

  it('the Docker engine not sharing the data directory, or mounting the node', () => {
    const set = broken((s) => {
      const pod = byName(s, 'Deployment', 'fngraph-api').spec.template.spec;
      const engine = pod.initContainers.find((c: any) => c.name === 'docker');
      engine.volumeMounts = engine.volumeMounts.filter((m: any) => m.mountPath !== '/data');
      pod.volumes.push({ name: 'docker-sock', hostPath: { path: '/var/run/docker.sock' } });
    });
    const problems = consistencyProblems(set).join('\n');
    expect(problems).toContain("the engine must mount the server's data directory /data at the same path");
    expect(problems).toContain("volume docker-sock mounts the node's file system");
  });
});
