import { registerEnumType } from '@nestjs/graphql';

/**
 * Lower-case on purpose: the registration document of the spec spells languages this
 * way, and it must be usable unchanged as GraphQL variables.
 */
export enum LanguageEnum {
  javascript = 'javascript',
  typescript = 'typescript',
  python = 'python',
}

registerEnumType(LanguageEnum, { name: 'Language', description: 'Source language of a function.' });
