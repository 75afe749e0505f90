import { Histogram, Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { timedPort } from './timed-port.js';

class Repository {
  calls = 0;
  async find(id: string): Promise<string> {
    this.calls++;
    return this.decorate(id);
  }
  async fail(): Promise<never> {
    throw new Error('nope');
  }
  onModuleInit(): void {
    this.calls += 100;
  }
  private decorate(id: string): string {
    return `<${id}>`;
  }
}

function histogram() {
  const registry = new Registry();
  return {
    registry,
    histogram: new Histogram({ name: 't', help: 't', labelNames: ['repository', 'operation', 'outcome'] as const, registers: [registry] }),
  };
}

describe('timedPort', () => {
  it('times each port call by method and outcome, and is otherwise the adapter', async () => {
    const { registry, histogram: timer } = histogram();
    const adapter = new Repository();
    const timed = timedPort(adapter, 'things', timer);
    expect(timed).toBeInstanceOf(Repository);
    expect(await timed.find('a')).toBe('<a>');
    await expect(timed.fail()).rejects.toThrow('nope');
    expect(timed.calls).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain('t_count{repository="things",operation="find",outcome="ok"} 1');
    expect(text).toContain('t_count{repository="things",operation="fail",outcome="error"} 1');
    // Internal calls (this.decorate) are not port calls.
    expect(text).not.toContain('operation="decorate"');
  });

  it('hides lifecycle hooks: the adapter’s own provider runs them once', () => {
    const timed = timedPort(new Repository(), 'things', histogram().histogram);
    expect((timed as unknown as { onModuleInit?: unknown }).onModuleInit).toBeUndefined();
  });

  it('sees spies installed on it (tests count storage calls that way)', async () => {
    const timed = timedPort(new Repository(), 'things', histogram().histogram);
    const spy = vi.spyOn(timed, 'find');
    await timed.find('b');
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});
