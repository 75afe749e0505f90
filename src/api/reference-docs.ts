import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { schemaReference } from '@/api/graphql/reference/schema-reference.js';
import { OpenApiDocuments } from '@/api/http/openapi/openapi-documents.js';

/** Where the reference documentation is committed, relative to the repository. */
export const REFERENCE_DOCS = {
  graphql: 'docs/reference/graphql.md',
  openapi: 'docs/reference/openapi.json',
} as const;

/** The reference documentation of a server, by file (`npm run docs` writes it; a test compares it with the committed files). */
export function referenceDocs(app: INestApplication): Record<keyof typeof REFERENCE_DOCS, string> {
  return {
    graphql: schemaReference(app.get(GraphQLSchemaHost).schema),
    openapi: `${JSON.stringify(app.get(OpenApiDocuments).reference(), null, 2)}\n`,
  };
}
