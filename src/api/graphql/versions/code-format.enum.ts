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
  description: 'How `code` is packed.',
  valuesMap: {
    SOURCE: { description: 'One UTF-8 source file (the default).' },
    ZIP: { description: 'A zip archive of a folder.' },
    TAR: { description: 'A tar archive (ustar, pax or GNU names) of a folder.' },
    TGZ: { description: 'A gzip-compressed tar archive of a folder.' },
  },
});
