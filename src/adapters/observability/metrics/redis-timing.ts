import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Histogram } from 'prom-client';

/**
 * Times every command sent on `connection` into `histogram` (labels: the command name,
 * `ok`/`error`), pipelined and auto-pipelined ones included: they all go through the
 * connection's `sendCommand`. The time includes any wait for a reconnection, which is
 * what the caller experiences.
 */
export function timeRedisCommands(connection: Redis, histogram: Histogram<'command' | 'outcome'>): void {
  const send = connection.sendCommand.bind(connection);
  connection.sendCommand = function timedSendCommand(...args: Parameters<Redis['sendCommand']>) {
    const [command] = args;
    const started = performance.now();
    const observe = (outcome: 'ok' | 'error') => histogram.observe({ command: command.name, outcome }, (performance.now() - started) / 1000);
    command.promise.then(
      () => observe('ok'),
      () => observe('error'),
    );
    return send(...args);
  } as Redis['sendCommand'];
}
