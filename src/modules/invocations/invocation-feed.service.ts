import { Injectable } from '@nestjs/common';
import { EventBus } from '@/kernel/events/event-bus.js';
import { interruptible } from '@/kernel/streams/async-streams.js';
import { EventQueue } from '@/kernel/events/event-queue.js';
import { deserializeInvocation, functionInvocationsChannel, type InvocationUpdatedEvent, invocationUpdatedChannel } from './invocation.channels.js';
import { FINAL_STATUSES, type InvocationRecord, type InvocationStatus } from './invocation.record.js';
import { InvocationsService } from './invocations.service.js';
import { resumeSignals } from './resume-signals.js';

/** Statuses only move forward; a transition at or before the last one seen is stale. */
const STATUS_ORDER: Record<InvocationStatus, number> = {
  QUEUED: 0,
  RUNNING: 1,
  SUCCEEDED: 2,
  FAILED: 2,
  TIMED_OUT: 2,
  OOM_KILLED: 2,
  REJECTED: 2,
  DEAD_LETTERED: 2,
};

/** Read the record again (the subscription was interrupted). */
const REREAD = 'reread' as const;

/** Status transitions are few per invocation; this many pending means a stuck client. */
const SUBSCRIBER_BUFFER = 1000;

/** Status transitions of invocations, as they happen on any node. */
@Injectable()
export class InvocationFeedService {
  constructor(
    private readonly events: EventBus,
    private readonly invocations: InvocationsService,
  ) {}

  /** The invocation's current state, then each change, until a final status. */
  ofInvocation(invocationId: string): AsyncGenerator<InvocationRecord> {
    const queue = new EventQueue<InvocationUpdatedEvent | typeof REREAD>(SUBSCRIBER_BUFFER);
    return interruptible(queue, this.ofInvocationFrom(queue, invocationId));
  }

  /** Every transition of every invocation of a function, from now on. */
  ofFunction(functionId: string): AsyncGenerator<InvocationRecord> {
    const queue = new EventQueue<InvocationUpdatedEvent>(SUBSCRIBER_BUFFER);
    return interruptible(queue, this.ofFunctionFrom(queue, functionId));
  }

  private async *ofInvocationFrom(queue: EventQueue<InvocationUpdatedEvent | typeof REREAD>, invocationId: string): AsyncGenerator<InvocationRecord> {
    // Transitions published while the subscription was interrupted are lost to it: the record in storage has them.
    const unsubscribe = await this.events.subscribe(invocationUpdatedChannel(invocationId), (event) => queue.push(event), {
      onResumed: resumeSignals(() => queue.push(REREAD)),
    });
    try {
      const current = await this.invocations.getById(invocationId);
      yield current;
      let lastStatus = current.status;
      if (FINAL_STATUSES.has(lastStatus)) return;
      for await (const event of queue) {
        const record = event === REREAD ? await this.invocations.getById(invocationId).catch(() => null) : deserializeInvocation(event.invocation);
        if (!record) continue;
        // A transition already covered by the initial read can arrive after it: skip it.
        if (STATUS_ORDER[record.status] <= STATUS_ORDER[lastStatus]) continue;
        lastStatus = record.status;
        yield record;
        if (FINAL_STATUSES.has(record.status)) return;
      }
    } finally {
      await queue.close();
      await unsubscribe();
    }
  }

  private async *ofFunctionFrom(queue: EventQueue<InvocationUpdatedEvent>, functionId: string): AsyncGenerator<InvocationRecord> {
    const unsubscribe = await this.events.subscribe(functionInvocationsChannel(functionId), (event) => queue.push(event));
    try {
      for await (const event of queue) yield deserializeInvocation(event.invocation);
    } finally {
      await queue.close();
      await unsubscribe();
    }
  }
}
