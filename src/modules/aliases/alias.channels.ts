import { always, eventChannel } from '@/kernel/events/event-channel.js';

export interface AliasChangedEvent {
  functionId: string;
  name: string;
  kind: 'set' | 'deleted';
}

/**
 * Every alias change, for every node's alias cache. Redelivered after an outage: a node
 * that missed one would keep routing to the old versions.
 */
export const aliasesChangedChannel = eventChannel<AliasChangedEvent>('aliases.changed', { redeliver: always });
