import { always, eventChannel } from '@/kernel/events/event-channel.js';

export interface CredentialRevokedEvent {
  credentialId: string;
}

/** Announced when a credential stops being valid, so every node drops it at once. */
export const credentialRevokedChannel = eventChannel<CredentialRevokedEvent>('auth.credentials.revoked', { redeliver: always });
