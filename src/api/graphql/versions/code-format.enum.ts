import { registerEnumType } from '@nestjs/graphql';

/** How a version's code is packed; the values are the registration document's (lower-case) spellings. */
export enum CodeFormatEnum {
  SOURCE = 'source',
  ZIP = 'zip',
  TAR = 'tar',
  TGZ = 'tgz',
}

registerEnumType(CodeFormatEnum, {
  name: 'CodeFormat',
  description: 'How `code` is packed: SOURCE is one UTF-8 source file (the default); ZIP, TAR and TGZ are archives of a folder.',
});
