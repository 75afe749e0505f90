import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { withoutNulls } from '@/common/graphql/without-nulls.js';
import { type Connection, ConnectionType, toConnection } from '@/common/pagination/connection.model.js';
import { toPageRequest } from '@/common/pagination/cursor.js';
import { AuditFilterInput } from './dto/audit-filter.input.js';
import { parseAuditFilter } from './dto/audit-filter.js';
import type { AuditRecord } from './audit.record.js';
import { AuditService } from './audit.service.js';
import { AuditEntryModel } from './models/audit-entry.model.js';

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
