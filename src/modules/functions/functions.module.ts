import { Module } from '@nestjs/common';
import { VersionsModule } from '@/modules/versions/versions.module.js';
import { FunctionsController } from './functions.controller.js';
import { FunctionLoadersFactory } from './functions.loaders.js';
import { FunctionsResolver } from './functions.resolver.js';
import { FunctionsService } from './functions.service.js';

@Module({
  imports: [VersionsModule],
  controllers: [FunctionsController],
  providers: [FunctionsService, FunctionLoadersFactory, FunctionsResolver],
  exports: [FunctionsService, FunctionLoadersFactory],
})
export class FunctionsModule {}
