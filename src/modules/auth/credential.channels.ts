/** Announced on the event bus when a credential stops being valid, so every node drops it at once. */
export const CREDENTIAL_REVOKED_CHANNEL = 'auth.credentials.revoked';

export interface CredentialRevokedEvent {
  credentialId: string;
}
