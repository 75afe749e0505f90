import { inspect } from 'node:util';
import { afterEach, type Mocked, vi } from 'vitest';

/** The names of the methods of `T` (what `automock` can mock). */
export type MethodName<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

export interface AutomockOptions<T> {
  /** How unexpected calls name the mock; the class name by default. */
  name?: string;
  /**
   * Methods to mock besides those found on the prototype chain. Abstract methods (every
   * method of a port) compile to nothing, so a port's mock lists them here.
   */
  methods?: readonly MethodName<T>[];
  /**
   * Plain values for properties: getters (`driverKind`) and abstract fields (`kind`).
   * A getter without a value here fails the test when it is read.
   */
  properties?: Partial<T>;
}

/** Unexpected calls of the current test, including those the code under test caught. */
const unexpectedCalls: Error[] = [];

// A service may catch what a mock throws (observers, background work, "best effort"
// writes), so the throw alone does not always fail the test: this does.
afterEach(() => {
  const calls = unexpectedCalls.splice(0);
  if (calls.length > 0) {
    throw new Error(`${calls.length} unexpected call(s) on automocks:\n${calls.map((error) => `  ${error.message}`).join('\n')}`, { cause: calls[0] });
  }
});

/**
 * A strict mock of a class or port, in the manner of immich's `automock`: every method is a
 * `vi.fn()` whose default implementation throws `unexpected call: Name.method(args)`,
 * so the test states each interaction it expects (`mock.method.mockResolvedValue(...)`)
 * and any other one fails it. `mockReset()` restores the throwing default.
 *
 * Methods come from the prototype chain (below `Object.prototype`) and `options.methods`.
 * The class is never instantiated: constructors with side effects or arguments are fine.
 */
export function automock<T extends object>(Class: abstract new (...args: never[]) => T, options: AutomockOptions<T> = {}): Mocked<T> {
  const name = options.name ?? Class.name;
  const mock: Record<string, unknown> = {};
  const seen = new Set<string>(['constructor']);
  for (let prototype = Class.prototype as object | null; prototype && prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype)) {
    for (const key of Object.getOwnPropertyNames(prototype)) {
      if (seen.has(key)) continue;
      seen.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
      if (descriptor.get || descriptor.set) {
        Object.defineProperty(mock, key, { get: () => unexpected(name, key, 'read'), configurable: true, enumerable: true });
      } else if (typeof descriptor.value === 'function') {
        mock[key] = strictFn(name, key);
      }
    }
  }
  for (const method of options.methods ?? []) mock[method] = strictFn(name, method);
  for (const [key, value] of Object.entries(options.properties ?? {})) {
    Object.defineProperty(mock, key, { value, writable: true, configurable: true, enumerable: true });
  }
  return mock as Mocked<T>;
}

function strictFn(name: string, method: string) {
  return vi.fn((...args: unknown[]): never => unexpected(name, method, 'call', args));
}

function unexpected(name: string, member: string, what: 'call' | 'read', args: unknown[] = []): never {
  const shown = args.map((arg) => abbreviate(inspect(arg, { depth: 0, breakLength: Number.POSITIVE_INFINITY, maxStringLength: 40 }))).join(', ');
  const error = new Error(what === 'call' ? `unexpected call: ${name}.${member}(${shown})` : `unexpected read: ${name}.${member}`);
  unexpectedCalls.push(error);
  throw error;
}

function abbreviate(text: string): string {
  return text.length <= 120 ? text : `${text.slice(0, 119)}…`;
}
