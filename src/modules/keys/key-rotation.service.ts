import { Injectable, Logger } from '@nestjs/common';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { type Actor, systemActor } from '@/kernel/identity/principal.js';
import { VersionRepository } from '@/modules/versions/version.repository.js';
import { SealedInvocationRepository } from '@/modules/invocations/sealed-invocation.repository.js';

export interface RotationReport {
  currentKeyId: string;
  /** Boxes whose data key was rewrapped under the current master key. */
  rewrapped: number;
  /** Boxes already under the current master key. */
  alreadyCurrent: number;
  /** Version ids whose master key is not configured (neither current nor previous). */
  failed: string[];
  /** Sealed invocation payloads (`FNGRAPH_SEAL_INVOCATION_DATA`) rewrapped, and the ids of those that could not be. */
  invocationPayloadsRewrapped: number;
  invocationPayloadsFailed: string[];
}

/**
 * Rewraps every version's data key, and every sealed invocation payload's, under the current master key. Only the wrapped key
 * changes, the ciphertext stays, so servers holding the old and the new key (the new one
 * current, the old one in FNGRAPH_PREVIOUS_MASTER_KEYS) keep serving throughout; once it
 * has run, the old key can be dropped. Running it again does nothing.
 */
@Injectable()
export class KeyRotationService {
  private readonly logger = new Logger('KeyRotation');

  constructor(
    private readonly versions: VersionRepository,
    private readonly cipher: EnvelopeCipher,
    private readonly audit: AuditService,
    private readonly invocations: SealedInvocationRepository,
  ) {}

  async rotate(actor: Actor = systemActor('rotate-keys')): Promise<RotationReport> {
    const currentKeyId = this.cipher.currentKeyId;
    const report: RotationReport = { currentKeyId, rewrapped: 0, alreadyCurrent: 0, failed: [], invocationPayloadsRewrapped: 0, invocationPayloadsFailed: [] };
    for (const { id, keyId } of await this.versions.listSealedKeyIds()) {
      if (keyId === currentKeyId) {
        report.alreadyCurrent++;
        continue;
      }
      const record = await this.versions.findById(id);
      if (!record) continue;
      try {
        await this.versions.replaceSealed(id, this.cipher.rewrap(record.sealed));
        report.rewrapped++;
      } catch (error) {
        this.logger.warn(`Version ${id} (master key ${keyId}): ${(error as Error).message}`);
        report.failed.push(id);
      }
    }
    const payloads = await this.invocations.rewrapAll();
    report.invocationPayloadsRewrapped = payloads.rewrapped;
    report.invocationPayloadsFailed = payloads.failed;
    await this.audit.record(
      actor,
      'masterKey.rotate',
      { targetType: 'masterKey', targetId: currentKeyId },
      {
        rewrapped: report.rewrapped,
        alreadyCurrent: report.alreadyCurrent,
        failed: report.failed.length,
        invocationPayloadsRewrapped: payloads.rewrapped,
        invocationPayloadsFailed: payloads.failed.length,
      },
    );
    return report;
  }
}
