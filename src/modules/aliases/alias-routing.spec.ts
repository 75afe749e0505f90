import { describe, expect, it } from 'vitest';
import type { AliasRecord } from './alias.record.js';
import { chooseRoute, routeAt, stickyPoint } from './alias-routing.js';

const alias = (routes: AliasRecord['routes'], shadow: AliasRecord['shadow'] = null) => ({ name: 'prod', routes, shadow });

/** A seeded generator (mulberry32): the statistical checks below are reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** 99.9% two-sided normal bound of a binomial count around n*p. */
function binomialBound(n: number, p: number): [number, number] {
  const spread = 3.29 * Math.sqrt(n * p * (1 - p));
  return [n * p - spread, n * p + spread];
}

describe('routeAt', () => {
  it('splits [0, 100) by the weights in their order', () => {
    const routes = [
      { version: '1.0.0', weight: 90 },
      { version: '1.1.0', weight: 10 },
    ];
    expect(routeAt(routes, 0).version).toBe('1.0.0');
    expect(routeAt(routes, 89.999).version).toBe('1.0.0');
    expect(routeAt(routes, 90).version).toBe('1.1.0');
    expect(routeAt(routes, 99.999).version).toBe('1.1.0');
  });

  it('never picks a route of weight 0', () => {
    const routes = [
      { version: '1.0.0', weight: 0 },
      { version: '1.1.0', weight: 100 },
    ];
    for (const point of [0, 0.0001, 50, 99.9999, 100]) expect(routeAt(routes, point).version).toBe('1.1.0');
    const reversed = [
      { version: '1.0.0', weight: 100 },
      { version: '1.1.0', weight: 0 },
    ];
    for (const point of [0, 50, 99.9999, 100]) expect(routeAt(reversed, point).version).toBe('1.0.0');
  });
});

describe('chooseRoute', () => {
  it('holds the weights within a 99.9% binomial bound over many random calls', () => {
    const random = seeded(15);
    const n = 20_000;
    let second = 0;
    for (let call = 0; call < n; call += 1) {
      if (
        chooseRoute(
          alias([
            { version: '1.0.0', weight: 70 },
            { version: '1.1.0', weight: 30 },
          ]),
          undefined,
          random,
        ).version === '1.1.0'
      )
        second += 1;
    }
    const [low, high] = binomialBound(n, 0.3);
    expect(second).toBeGreaterThan(low);
    expect(second).toBeLessThan(high);
  });

  it('sends the same routing key to the same version every time', () => {
    const weighted = alias([
      { version: '1.0.0', weight: 50 },
      { version: '1.1.0', weight: 50 },
    ]);
    for (const key of ['user-1', 'user-2', 'tenant:acme', '']) {
      const first = chooseRoute(weighted, key).version;
      for (let call = 0; call < 20; call += 1) expect(chooseRoute(weighted, key, () => Math.random()).version).toBe(first);
    }
  });

  it('spreads routing keys by the weights', () => {
    const weighted = alias([
      { version: '1.0.0', weight: 80 },
      { version: '1.1.0', weight: 20 },
    ]);
    const n = 10_000;
    let second = 0;
    for (let key = 0; key < n; key += 1) if (chooseRoute(weighted, `caller-${key}`).version === '1.1.0') second += 1;
    const [low, high] = binomialBound(n, 0.2);
    expect(second).toBeGreaterThan(low);
    expect(second).toBeLessThan(high);
  });

  it('moves only the keys between the old and the new boundary when weight shifts to the second route', () => {
    const before = alias([
      { version: '1.0.0', weight: 90 },
      { version: '1.1.0', weight: 10 },
    ]);
    const after = alias([
      { version: '1.0.0', weight: 50 },
      { version: '1.1.0', weight: 50 },
    ]);
    for (let key = 0; key < 2000; key += 1) {
      const routingKey = `k${key}`;
      // A key already on the candidate stays there as its share grows.
      if (chooseRoute(before, routingKey).version === '1.1.0') expect(chooseRoute(after, routingKey).version).toBe('1.1.0');
    }
  });

  it('spreads one key independently per alias', () => {
    const points = new Set(['prod', 'staging', 'canary'].map((name) => stickyPoint('same-key', name)));
    expect(points.size).toBe(3);
    for (const point of points) {
      expect(point).toBeGreaterThanOrEqual(0);
      expect(point).toBeLessThan(100);
    }
  });

  it('runs the shadow version on about its percent of calls, never on an alias without one', () => {
    const random = seeded(7);
    const n = 20_000;
    let shadowed = 0;
    for (let call = 0; call < n; call += 1) {
      const choice = chooseRoute(alias([{ version: '1.0.0', weight: 100 }], { version: '2.0.0', percent: 5 }), undefined, random);
      expect(choice.version).toBe('1.0.0');
      if (choice.shadowVersion === '2.0.0') shadowed += 1;
    }
    const [low, high] = binomialBound(n, 0.05);
    expect(shadowed).toBeGreaterThan(low);
    expect(shadowed).toBeLessThan(high);
    expect(chooseRoute(alias([{ version: '1.0.0', weight: 100 }]), undefined, random).shadowVersion).toBeNull();
    expect(chooseRoute(alias([{ version: '1.0.0', weight: 100 }], { version: '2.0.0', percent: 100 }), 'any').shadowVersion).toBe('2.0.0');
  });
});
