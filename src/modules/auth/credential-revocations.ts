import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventBus, type Unsubscribe } from '@/kernel/events/event-bus.js';
import { credentialRevokedChannel } from './credential.channels.js';
import type { Principal } from '@/kernel/identity/principal.js';

type RevocationListener = (credentialId: string) => void;

/**
 * Credentials revoked while this node runs (from this node or, over the event bus, from
 * any other): what long-lived connections re-check on every event, and what closes the
 * WebSocket connections that authenticated with them.
 */
@Injectable()
export class CredentialRevocations implements OnModuleInit, OnModuleDestroy {
  private readonly revoked = new Set<string>();
  private readonly listeners = new Set<RevocationListener>();
  private unsubscribe: Unsubscribe | null = null;

  constructor(private readonly events: EventBus) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.events.subscribe(credentialRevokedChannel, ({ credentialId }) => this.markRevoked(credentialId));
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** Marks locally at once, then tells the other nodes. */
  announce(credentialId: string): void {
    this.markRevoked(credentialId);
    void this.events.publish(credentialRevokedChannel, { credentialId });
  }

  isRevoked(credentialId: string | undefined): boolean {
    return credentialId !== undefined && this.revoked.has(credentialId);
  }

  /** Whether a principal resolved earlier may still act (not expired, not revoked). */
  isStillValid(principal: Principal, now = Date.now()): boolean {
    if (principal.expiresAt && principal.expiresAt.getTime() <= now) return false;
    return !this.isRevoked(principal.credentialId);
  }

  onRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private markRevoked(credentialId: string): void {
    if (typeof credentialId !== 'string' || this.revoked.has(credentialId)) return;
    this.revoked.add(credentialId);
    for (const listener of this.listeners) listener(credentialId);
  }
}
