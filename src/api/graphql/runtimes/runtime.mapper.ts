import type { LanguageEnum } from '@/api/graphql/functions/language.enum.js';
import { ExecutorKindEnum } from './executor-kind.enum.js';
import type { RuntimeModel } from './runtime.model.js';
import type { RuntimeStatus } from '@/modules/executor/runtime-availability.service.js';

export function toRuntimeModel(runtime: RuntimeStatus): RuntimeModel {
  return {
    id: runtime.id,
    languages: runtime.languages as LanguageEnum[],
    available: runtime.available,
    executor: runtime.executor === 'docker' ? ExecutorKindEnum.DOCKER : ExecutorKindEnum.PROCESS,
    deprecated: runtime.deprecationReason !== null,
    deprecationReason: runtime.deprecationReason,
  };
}
