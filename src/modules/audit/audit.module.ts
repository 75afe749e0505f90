import { Global, Module } from '@nestjs/common';
import { AuditResolver } from '@/api/graphql/audit/audit.resolver.js';
import { AuditService } from './audit.service.js';

/** Global: every feature that performs management actions records them. */
@Global()
@Module({
  providers: [AuditService, AuditResolver],
  exports: [AuditService],
})
export class AuditModule {}
