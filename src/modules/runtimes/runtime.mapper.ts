import type { LanguageEnum } from '@/modules/functions/models/language.enum.js';
import { ExecutorKindEnum } from './models/executor-kind.enum.js';
import type { RuntimeModel } from './models/runtime.model.js';
import type { RuntimeAvailability } from './runtimes.service.js';

export function toRuntimeModel(runtime: RuntimeAvailability): RuntimeModel {
  return {
    id: runtime.id,
    languages: runtime.languages as LanguageEnum[],
    available: runtime.available,
    executor: runtime.executor === 'docker' ? ExecutorKindEnum.DOCKER : ExecutorKindEnum.PROCESS,
  };
}
