import { Injectable } from '@nestjs/common';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import type { InvocationEvent } from '@/modules/executor/execution.types.js';
import type { InvocationJob, SealedEvent } from './invocation-queue.js';

/**
 * A queued invocation must hand the function its whole event, credentials meant for it
 * included (`Authorization: Basic …`, cookies), while the record keeps them redacted. The
 * queue (an SQLite file, or Redis with its snapshots) is storage too, so the event travels
 * sealed under the master key (envelope encryption, like code at rest) and is opened only
 * by the worker that runs it.
 */
@Injectable()
export class QueuedEventSeal {
  constructor(private readonly cipher: EnvelopeCipher) {}

  seal(event: InvocationEvent): SealedEvent {
    const box = this.cipher.seal(Buffer.from(JSON.stringify(event)));
    return { keyId: box.keyId, wrappedKey: box.wrappedKey.toString('base64'), ciphertext: box.ciphertext.toString('base64') };
  }

  /** The job's event; throws when it cannot be opened (its master key is no longer configured). */
  open(job: InvocationJob): InvocationEvent {
    // Jobs queued by a version from before sealing carry the plain event.
    if (!job.sealedEvent) {
      if (!job.event) throw new Error(`Job ${job.invocationId} carries no event`);
      return job.event;
    }
    const { keyId, wrappedKey, ciphertext } = job.sealedEvent;
    const plaintext = this.cipher.open({ keyId, wrappedKey: Buffer.from(wrappedKey, 'base64'), ciphertext: Buffer.from(ciphertext, 'base64') });
    return JSON.parse(plaintext.toString('utf8')) as InvocationEvent;
  }
}
