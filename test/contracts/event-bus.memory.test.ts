import { describe } from 'vitest';
import { MemoryEventBus } from '@/adapters/events/memory/memory-event-bus.js';
import { RecordedErrors } from '../support/recorded-errors.js';
import { eventBusContract } from './event-bus.contract.js';

describe('EventBus contract: in-process', () => {
  eventBusContract(async () => {
    const bus = new MemoryEventBus(new RecordedErrors());
    return { buses: [bus, bus], close: async () => undefined };
  }, 'memory');
});
