import { eventChannelFamily } from '@/kernel/events/event-channel.js';

export interface CanaryUpdatedEvent {
  canaryId: string;
  revision: number;
}

/** Every change of the canaries of one alias (`<function id>.<alias>`); subscribers read the record from storage. */
export const canaryUpdatedChannel = eventChannelFamily<CanaryUpdatedEvent>('canary', 'updated');

export function canaryChannelKey(functionId: string, alias: string): string {
  return `${functionId}.${alias}`;
}
