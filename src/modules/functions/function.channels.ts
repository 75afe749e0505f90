import { always, eventChannel, eventChannelFamily } from '@/kernel/events/event-channel.js';

export interface FunctionChangedEvent {
  functionId: string;
  name: string;
  kind: 'registered' | 'versioned' | 'deleted';
}

/** Every change of one function (cache invalidation). */
export const functionChangedChannel = eventChannelFamily<FunctionChangedEvent>('function', 'changed');

/** Changes of any function, for caches keyed by name. */
export const functionsChangedChannel = eventChannel<FunctionChangedEvent>('functions.changed', { redeliver: always });
