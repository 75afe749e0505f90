import { Module } from '@nestjs/common';
import { VersionsModule } from '@/modules/versions/versions.module.js';
import { FunctionsController } from '@/api/http/functions/functions.controller.js';
import { FunctionLoadersFactory } from '@/api/graphql/loaders/function.loaders.js';
import { FunctionsResolver } from '@/api/graphql/functions/functions.resolver.js';
import { FunctionsService } from './functions.service.js';

@Module({
  imports: [VersionsModule],
  controllers: [FunctionsController],
  providers: [FunctionsService, FunctionLoadersFactory, FunctionsResolver],
  exports: [FunctionsService, FunctionLoadersFactory],
})
export class FunctionsModule {}
