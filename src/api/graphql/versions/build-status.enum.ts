import { registerEnumType } from '@nestjs/graphql';

export enum BuildStatusEnum {
  BUILDING = 'BUILDING',
  READY = 'READY',
  FAILED = 'FAILED',
}

registerEnumType(BuildStatusEnum, { name: 'BuildStatus', description: 'Whether a version can be invoked yet.' });
