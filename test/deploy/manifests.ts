import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

/** deploy/k8s, read as Kubernetes would get it; the consistency checks are in manifest-checks.ts. */
export const MANIFEST_DIR = fileURLToPath(new URL('../../deploy/k8s/', import.meta.url));
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
/** Placeholder Secrets: validated like the rest, but deliberately not applied by kustomization.yaml. */
export const EXAMPLE_SECRETS_FILE = 'secrets.example.yaml';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: any;
}

export interface Located {
  file: string;
  doc: Manifest;
}

export interface ManifestSet {
  items: Located[];
  kustomization: { namespace?: string; resources?: string[] };
  /** Every YAML file of the folder, kustomization.yaml excepted. */
  files: string[];
}

type Model = new (data: any) => { validate(): void };

/** The schema of each kind the manifests may use; any other kind is a failure, not a skip. */
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

export function loadManifests(dir = MANIFEST_DIR): ManifestSet {
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && name !== KUSTOMIZATION_FILE)
    .sort();
  const items: Located[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      const doc = document.toJS() as Manifest | null;
      if (doc !== null) items.push({ file, doc });
    }
  }
  const kustomization = (parseAllDocuments(readFileSync(join(dir, KUSTOMIZATION_FILE), 'utf8'))[0]?.toJS() ?? {}) as ManifestSet['kustomization'];
  return { items, kustomization, files };
}

export const where = ({ file, doc }: Located) => `${file}: ${doc.kind}/${doc.metadata?.name}`;

/** Each document against the OpenAPI schema of its kind (kubernetes-models, @kubernetes-models/keda). */
export function schemaProblems(items: Located[]): string[] {
  const problems: string[] = [];
  for (const item of items) {
    const Model = MODELS[`${item.doc.apiVersion}/${item.doc.kind}`];
    if (!Model) {
      problems.push(`${where(item)}: no schema for ${item.doc.apiVersion} ${item.doc.kind}`);
      continue;
    }
    try {
      new Model(structuredClone(item.doc)).validate();
    } catch (error) {
      problems.push(`${where(item)}: ${(error as Error).message}`);
    }
  }
  return problems;
}
