import { Injectable } from '@nestjs/common';
import { EventBus } from '@/kernel/events/event-bus.js';
import { functionInstancesChannel, INSTANCES_HEARTBEAT_MS, type InstancesReport } from './instances.channels.js';
import { functionInvocationsChannel } from '@/modules/invocations/invocation.channels.js';
import { FINAL_STATUSES } from '@/modules/invocations/invocation.record.js';
import { RollingWindow, type WindowSummary } from './rolling-window.js';

export interface FunctionMetricsSnapshot extends WindowSummary {
  functionId: string;
  windowSeconds: number;
  warmInstances: number;
  busyInstances: number;
  at: Date;
}

/** A node whose report is older than this is considered gone. */
const REPORT_EXPIRY_MS = INSTANCES_HEARTBEAT_MS * 3;

/**
 * Live metrics of one function across all nodes, computed by each subscriber from the
 * invocation and instance events it receives (no shared state to keep consistent).
 */
@Injectable()
export class FunctionMetricsService {
  constructor(private readonly events: EventBus) {}

  async *stream(functionId: string, windowSeconds: number, intervalMs: number): AsyncGenerator<FunctionMetricsSnapshot> {
    const window = new RollingWindow(windowSeconds * 1000);
    const reports = new Map<string, InstancesReport>();
    const unsubscribers = await Promise.all([
      this.events.subscribe(functionInvocationsChannel(functionId), ({ invocation }) => {
        if (!FINAL_STATUSES.has(invocation.status) || invocation.durationMs === null) return;
        window.add({
          finishedAt: invocation.finishedAt ?? Date.now(),
          durationMs: invocation.durationMs,
          failed: invocation.status !== 'SUCCEEDED',
          coldStart: invocation.coldStart === true,
        });
      }),
      this.events.subscribe(functionInstancesChannel(functionId), (report) => {
        reports.set(report.nodeId, report);
      }),
    ]);
    try {
      for (;;) {
        const now = Date.now();
        let warm = 0;
        let busy = 0;
        for (const [nodeId, report] of reports) {
          if (now - report.at > REPORT_EXPIRY_MS) reports.delete(nodeId);
          else {
            warm += report.instances;
            busy += report.instances - report.idle;
          }
        }
        yield { functionId, windowSeconds, ...window.summarise(now), warmInstances: warm, busyInstances: busy, at: new Date(now) };
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    } finally {
      await Promise.all(unsubscribers.map((unsubscribe) => unsubscribe()));
    }
  }
}
