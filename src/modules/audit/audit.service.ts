import { Injectable } from '@nestjs/common';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { newId } from '@/kernel/ids/new-id.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { Actor } from '@/kernel/identity/principal.js';
import type { AuditAction, AuditDetails, AuditFilter, AuditRecord } from './audit.record.js';
import { AuditRepository } from './audit.repository.js';

/** Records management actions; read by admins through `auditLog`. */
@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly errors: UnexpectedErrors,
  ) {}

  /**
   * Written after the action succeeded. A failed write is logged loudly but does not turn
   * a completed action into an error (the client would retry something that happened).
   */
  async record(actor: Actor, action: AuditAction, target: Pick<AuditRecord, 'targetType' | 'targetId'>, details: AuditDetails = {}): Promise<void> {
    const record: AuditRecord = {
      id: newId(),
      at: new Date(),
      actorId: actor.principal.subject,
      actorKind: actor.principal.kind,
      credentialId: actor.principal.credentialId ?? null,
      action,
      ...target,
      details,
      ip: actor.origin.ip,
      userAgent: actor.origin.userAgent,
    };
    try {
      await this.audit.insert(record);
    } catch (error) {
      // The record itself goes into the report: it is the only copy of what happened.
      this.errors.report(error, { source: 'storage', where: `writing audit record ${JSON.stringify(record)}` });
    }
  }

  list(filter: AuditFilter, page: PageRequest): Promise<PageResult<AuditRecord>> {
    return this.audit.list(filter, page);
  }
}
