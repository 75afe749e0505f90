import { registerEnumType } from '@nestjs/graphql';

export enum BuildStatusEnum {
  BUILDING = 'BUILDING',
  READY = 'READY',
  FAILED = 'FAILED',
}

registerEnumType(BuildStatusEnum, {
  name: 'BuildStatus',
  description: 'Whether a version can be invoked yet.',
  valuesMap: {
    BUILDING: { description: 'Its dependencies are being installed; invoking it answers FUNCTION_NOT_READY.' },
    READY: { description: 'It can be invoked.' },
    FAILED: {
      description: 'Its dependencies did not install, or it does not load or export its entry point (see `buildLog`); it never runs: register a fixed version.',
    },
  },
});
