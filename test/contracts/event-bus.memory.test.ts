import { describe } from 'vitest';
import { MemoryEventBus } from '@/adapters/events/memory/memory-event-bus.js';
import { eventBusContract } from './event-bus.contract.js';

describe('EventBus contract: in-process', () => {
  eventBusContract(async () => {
    const bus = new MemoryEventBus();
    return { buses: [bus, bus], close: async () => undefined };
  }, 'memory');
});
