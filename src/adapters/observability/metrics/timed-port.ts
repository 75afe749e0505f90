import { performance } from 'node:perf_hooks';
import type { Histogram } from 'prom-client';

/** Nest lifecycle hooks: the adapter's own provider runs them; the timed view must not run them again. */
const LIFECYCLE_HOOKS = new Set(['onModuleInit', 'onApplicationBootstrap', 'onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown']);

export type PortTimer = Histogram<'repository' | 'operation' | 'outcome'>;

/**
 * A view of a port adapter whose every async method call is timed into `histogram`
 * (labels: the port name, the method, `ok`/`error`). It is the adapter itself in all
 * other respects (`instanceof`, properties, spies set on it), so it can be what the
 * port's token provides while the adapter class stays its own provider.
 */
export function timedPort<T extends object>(adapter: T, repository: string, histogram: PortTimer | null): T {
  const wrappers = new WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>();
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      if (LIFECYCLE_HOOKS.has(property)) return undefined;
      if (property === 'constructor' || !histogram) return value;
      const method = value as (...args: unknown[]) => unknown;
      let wrapper = wrappers.get(method);
      if (!wrapper) {
        wrapper = function timed(this: unknown, ...args: unknown[]): unknown {
          const started = performance.now();
          const observe = (outcome: 'ok' | 'error') => histogram.observe({ repository, operation: property, outcome }, (performance.now() - started) / 1000);
          let result: unknown;
          try {
            result = method.apply(this === receiver ? target : this, args);
          } catch (error) {
            observe('error');
            throw error;
          }
          if (result instanceof Promise) {
            result.then(
              () => observe('ok'),
              () => observe('error'),
            );
          } else {
            observe('ok');
          }
          return result;
        };
        wrappers.set(method, wrapper);
      }
      return wrapper;
    },
  });
}
