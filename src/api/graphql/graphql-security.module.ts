import { Module } from '@nestjs/common';
import { WsConnectionGuard } from './ws-connection-guard.js';

/** Providers the GraphQL options factory needs (auth and limits come from global modules). */
@Module({
  providers: [WsConnectionGuard],
  exports: [WsConnectionGuard],
})
export class GraphQLSecurityModule {}
