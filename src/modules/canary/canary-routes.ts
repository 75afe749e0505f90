import type { AliasRoute } from '@/modules/aliases/alias.record.js';
import type { CanaryRecord } from './canary.record.js';

/**
 * Where the canary's alias should point now: stable and candidate by the current weight
 * while it runs, the candidate alone once promoted, the stable version alone once rolled
 * back or aborted. Routes keep one order (stable first), which keeps sticky routing keys on
 * the stable version while the candidate's share grows.
 */
export function canaryRoutes(canary: Pick<CanaryRecord, 'status' | 'weight' | 'stableVersion' | 'candidateVersion'>): AliasRoute[] {
  switch (canary.status) {
    case 'RUNNING':
      return [
        { version: canary.stableVersion, weight: 100 - canary.weight },
        { version: canary.candidateVersion, weight: canary.weight },
      ];
    case 'PROMOTED':
      return [{ version: canary.candidateVersion, weight: 100 }];
    case 'ROLLED_BACK':
    case 'ABORTED':
      return [{ version: canary.stableVersion, weight: 100 }];
  }
}

export function sameRoutes(a: readonly AliasRoute[], b: readonly AliasRoute[]): boolean {
  return a.length === b.length && a.every((route, i) => route.version === b[i]!.version && route.weight === b[i]!.weight);
}
