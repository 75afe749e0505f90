import type { LanguageEnum } from '@/api/graphql/functions/language.enum.js';
import { ExecutorKindEnum } from './executor-kind.enum.js';
import type { RuntimeModel } from './runtime.model.js';
import type { RuntimeAvailability } from '@/modules/executor/runtime-availability.service.js';

export function toRuntimeModel(runtime: RuntimeAvailability): RuntimeModel {
  return {
    id: runtime.id,
    languages: runtime.languages as LanguageEnum[],
    available: runtime.available,
    executor: runtime.executor === 'docker' ? ExecutorKindEnum.DOCKER : ExecutorKindEnum.PROCESS,
  };
}
