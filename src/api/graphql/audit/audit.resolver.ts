import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { withoutNulls } from '@/api/graphql/without-nulls.js';
import { type Connection, ConnectionType, toConnection } from '@/api/graphql/pagination/connection.model.js';
import { toPageRequest } from '@/api/graphql/pagination/cursor.js';
import { AuditFilterInput } from './audit-filter.input.js';
import { parseAuditFilter } from '@/modules/audit/audit-filter.validation.js';
import type { AuditRecord } from '@/modules/audit/audit.record.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { AuditEntryModel } from './audit-entry.model.js';

const AuditConnection = ConnectionType(AuditEntryModel, 'AuditEntry');

/** Admins only (graphql-shield). */
@Resolver(() => AuditEntryModel)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditConnection, { description: 'Management actions, newest first. Admins only.' })
  async auditLog(
    @Args('filter', { type: () => AuditFilterInput, nullable: true }) filter: AuditFilterInput | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<AuditEntryModel>> {
    const page = await this.audit.list(parseAuditFilter(withoutNulls(filter ?? {})), toPageRequest(first, after));
    return toConnection(page, (r) => r.id, toAuditEntryModel);
  }
}

function toAuditEntryModel(record: AuditRecord): AuditEntryModel {
  return { ...record };
}
