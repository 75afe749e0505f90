import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GRAPHIQL_START_SCRIPT } from './graphiql-start.script.js';

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
}

/** A browser's localStorage, as far as the script uses it. */
class FakeLocalStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  get length(): number {
    return this.items.size;
  }
}

/** Runs the start script as a browser would, with GraphiQL and React replaced by recorders. */
function start(localStorage: FakeLocalStorage): { props: Record<string, unknown> & { storage: StorageLike }; fetcherOptions: Record<string, unknown> } {
  let props: (Record<string, unknown> & { storage: StorageLike }) | undefined;
  let fetcherOptions: Record<string, unknown> | undefined;
  const GraphiQL = Object.assign(() => null, {
    createFetcher: (options: Record<string, unknown>) => {
      fetcherOptions = options;
      return () => null;
    },
  });
  runInNewContext(GRAPHIQL_START_SCRIPT, {
    window: { location: { origin: 'https://api.example.com' }, localStorage },
    document: { getElementById: () => ({}) },
    GraphiQL,
    React: { createElement: (_type: unknown, given: typeof props) => given },
    ReactDOM: { createRoot: () => ({ render: (element: typeof props) => (props = element) }) },
  });
  return { props: props!, fetcherOptions: fetcherOptions! };
}

describe('the GraphiQL start script', () => {
  it('turns header persistence off and points HTTP and graphql-ws at /graphql on the same origin', () => {
    const { props, fetcherOptions } = start(new FakeLocalStorage());
    expect(props.shouldPersistHeaders).toBe(false);
    expect(fetcherOptions).toEqual({ url: 'https://api.example.com/graphql', subscriptionUrl: 'wss://api.example.com/graphql' });
    expect(props.defaultQuery).toMatch(/API key/);
  });

  it('never stores headers: not as such, not in tabs, not in the history or favourites', () => {
    const local = new FakeLocalStorage();
    const { storage } = start(local).props;
    storage.setItem('graphiql:headers', '{"Authorization":"Bearer fng_secret"}');
    storage.setItem('graphiql:shouldPersistHeaders', 'true');
    storage.setItem(
      'graphiql:tabs',
      JSON.stringify({ activeTabIndex: 0, tabs: [{ id: 't', query: '{ me { subject } }', headers: '{"Authorization":"Bearer fng_secret"}' }] }),
    );
    storage.setItem('graphiql:queries', JSON.stringify({ queries: [{ query: '{ me { subject } }', headers: '{"Authorization":"Bearer fng_secret"}' }] }));
    storage.setItem('graphiql:favorites', JSON.stringify({ favorites: [{ query: '{ me { subject } }', headers: '{"x-api-key":"fng_secret"}' }] }));
    storage.setItem('graphiql:query', '{ me { subject } }');
    expect([...local.items.values()].join('\n')).not.toContain('fng_secret');
    expect(local.getItem('graphiql:headers')).toBeNull();
    expect(storage.getItem('graphiql:shouldPersistHeaders')).toBeNull();
    expect(JSON.parse(local.getItem('graphiql:tabs')!).tabs[0]).toEqual({ id: 't', query: '{ me { subject } }', headers: null });
    expect(local.getItem('graphiql:query')).toBe('{ me { subject } }');
  });

  it('forgets headers an earlier page stored, and clears only its own keys', () => {
    const local = new FakeLocalStorage();
    local.setItem('graphiql:headers', '{"Authorization":"Bearer fng_old"}');
    local.setItem('graphiql:queries', JSON.stringify({ queries: [{ query: '{ a }', headers: '{"Authorization":"Bearer fng_old"}' }] }));
    local.setItem('someone-else', 'kept');
    const { storage } = start(local).props;
    expect([...local.items.values()].join('\n')).not.toContain('fng_old');
    storage.clear();
    expect([...local.items.keys()]).toEqual(['someone-else']);
  });
});
