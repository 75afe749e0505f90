import { registerEnumType } from '@nestjs/graphql';

export enum ExecutorKindEnum {
  PROCESS = 'PROCESS',
  DOCKER = 'DOCKER',
}

registerEnumType(ExecutorKindEnum, {
  name: 'ExecutorKind',
  description: 'How this server isolates function sandboxes (FNGRAPH_EXECUTOR).',
  valuesMap: {
    PROCESS: { description: 'Child processes under bubblewrap, limited by cgroups.' },
    DOCKER: { description: 'One hardened container per sandbox.' },
  },
});
