import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import { functionInstancesChannel, INSTANCES_HEARTBEAT_MS, type InstancesReport } from './instances.channels.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';

/** Changes within this delay are reported once: a burst of invocations is one report. */
const COALESCE_MS = 100;

/**
 * Tells every node how many sandboxes each function has here (for live metrics): on
 * change, coalesced, and as a heartbeat while any exist.
 */
@Injectable()
export class InstanceReporter implements OnModuleInit, OnModuleDestroy {
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly executor: ExecutorService,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.executor.onInstancesChanged((functionId) => this.schedule(functionId));
    this.heartbeat = setInterval(() => {
      for (const functionId of this.executor.activeFunctionIds()) this.report(functionId);
    }, INSTANCES_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  private schedule(functionId: string): void {
    this.pending.add(functionId);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      for (const id of this.pending) this.report(id);
      this.pending.clear();
    }, COALESCE_MS);
    this.flushTimer.unref();
  }

  private report(functionId: string): void {
    const counts = this.executor.functionInstances(functionId);
    const report: InstancesReport = { nodeId: this.config.nodeId, functionId, ...counts, at: Date.now() };
    void this.events.publish(functionInstancesChannel(functionId), report);
  }
}
