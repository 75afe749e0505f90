import type { VersionForDiffQuery } from '@/api/graphql.generated';

type Version = VersionForDiffQuery['functionVersion'];

export interface ConfigDifference {
  setting: string;
  before: string;
  after: string;
}

/** Each setting compared, as text: what a person reads in the table. */
function settings(version: Version): [string, string][] {
  const config = version.executionConfig;
  const variables = config.environmentVariables.map((variable) => (variable.secret ? `${variable.name} (secret)` : variable.name)).sort();
  return [
    ['Language', version.language],
    ['Runtime', version.runtime],
    ['Handler', version.handler ?? 'language default'],
    ['Event format', config.eventFormat],
    ['Timeout', `${config.timeout} s`],
    ['Memory limit', `${config.memoryLimit} MB`],
    ['Min instances', String(config.minInstances)],
    ['Max instances', config.maxInstances === null ? 'platform default' : String(config.maxInstances)],
    ['Concurrency', String(config.concurrency)],
    ['Network', config.network.enabled ? `enabled: ${config.network.allow.join(', ') || 'no destination'}` : 'off'],
    ['Retry attempts', String(config.retry.attempts)],
    ['Retry backoff', `${config.retry.backoffSeconds} s`],
    ['Max event age', config.maxEventAgeSeconds === null ? 'no limit' : `${config.maxEventAgeSeconds} s`],
    ['On success', config.destinations.onSuccess ?? '—'],
    ['On failure', config.destinations.onFailure ?? '—'],
    ['Environment variables', variables.join(', ') || 'none'],
    ['Code format', version.codeFormat],
  ];
}

/**
 * The settings that differ between two versions, one row each; dependencies one row per
 * package. Environment variables compare by name (values may be secret or unreadable).
 */
export function configDifferences(before: Version, after: Version): ConfigDifference[] {
  const a = new Map(settings(before));
  const differences: ConfigDifference[] = [];
  for (const [setting, value] of settings(after)) {
    const previous = a.get(setting)!;
    if (previous !== value) differences.push({ setting, before: previous, after: value });
  }
  const packages = [...new Set([...Object.keys(before.dependencies), ...Object.keys(after.dependencies)])].sort();
  for (const name of packages) {
    const was = before.dependencies[name];
    const is = after.dependencies[name];
    if (was !== is) differences.push({ setting: `Dependency ${name}`, before: was ?? 'not installed', after: is ?? 'removed' });
  }
  return differences;
}
