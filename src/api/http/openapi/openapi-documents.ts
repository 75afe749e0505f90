import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AppConfig } from '@/kernel/config/app-config.js';
import { isAdmin, isAuthenticated, type Principal } from '@/kernel/identity/principal.js';
import { MAX_PAGE_SIZE } from '@/kernel/pagination/page.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import type { FunctionFilter, FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { registrationDocumentSchema } from '@/modules/functions/registration-document.validation.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { PublicUrls } from '@/api/http/origins/public-urls.js';
import { GRAPHQL_PATH } from '@/api/graphql/graphql-api.module.js';
import { declaredSchemasOf } from './declared-schemas.js';
import { functionPaths } from './function-paths.js';
import { managementPaths } from './management-paths.js';
import { type JsonObject, REST_API_REVISION, sharedComponents } from './openapi-components.js';
import { REGISTRATION_FIELD_DESCRIPTIONS } from './registration-field-descriptions.js';

/** At most this many functions are listed in `/openapi.json` (in name order); `x-fngraph-truncated` says when more were left out. */
export const MAX_DOCUMENTED_FUNCTIONS = 1000;

/**
 * The OpenAPI 3.1 documents: the management API with the endpoints of every function the
 * caller may reach (`GET /openapi.json`), and one function's (`GET /fn/<name>/openapi.json`).
 * The registration document's schema is derived from the validation the server runs, with
 * this server's limits, so the two cannot disagree.
 */
@Injectable()
export class OpenApiDocuments {
  private readonly components: JsonObject;

  constructor(
    private readonly config: AppConfig,
    private readonly urls: PublicUrls,
    private readonly functions: FunctionsService,
    private readonly versions: VersionsService,
    private readonly policy: FunctionAccessPolicy,
  ) {
    this.components = sharedComponents(registrationJsonSchema(config));
  }

  /**
   * The management API without any function, on relative URLs: what `npm run docs` commits
   * (`docs/reference/openapi.json`), the same whichever address the server has.
   */
  reference(): JsonObject {
    return this.managementApi({ api: '', functions: '' });
  }

  private managementApi(urls: { api: string; functions: string }): JsonObject {
    return this.document(
      urls.api,
      {
        title: 'fngraph REST API',
        description: [
          'The REST surface of fngraph: registration, invocation by HTTP, invocations, health and metrics. The full management API is GraphQL (`POST /graphql`).',
          'Every function also answers at `/fn/<name>[@<version>][/<path>]` and `/execute/<id>[/<path>]`, for any method; `GET /openapi.json` on a server lists the functions the caller may reach.',
          'Errors have the body `{ "error": { "code", "message", "details"? } }`.',
        ].join('\n\n'),
        version: REST_API_REVISION,
      },
      { ...managementPaths({ metrics: this.config.observability.metrics, graphqlPath: GRAPHQL_PATH }), ...genericFunctionPaths(urls.functions) },
    );
  }

  /** The management API and the endpoints of every function this principal may invoke or see. */
  async forCaller(principal: Principal): Promise<JsonObject> {
    const { functions, truncated } = await this.reachableFunctions(principal);
    const document = this.managementApi({ api: this.urls.api(), functions: this.urls.functions() });
    const paths = document.paths as JsonObject;
    // The latest versions, for the schemas they declare.
    const latest = new Map((await this.versions.findByIds(functions.map((fn) => fn.latestVersionId))).map((version) => [version.id, version]));
    for (const fn of functions) Object.assign(paths, functionPaths(this.functionInput(fn, latest.get(fn.latestVersionId) ?? null)));
    if (truncated) document['x-fngraph-truncated'] = `Only the first ${MAX_DOCUMENTED_FUNCTIONS} functions (by name) are listed`;
    return document;
  }

  /**
   * One function's endpoints (`GET /fn/<name>[@<version>]/openapi.json`), for its latest or a
   * pinned version, to whoever may invoke it: refused exactly as invoking it would be (a
   * function the caller may not see is NOT_FOUND, like a missing one).
   */
  async forFunctionByName(principal: Principal, name: string, version: string | undefined): Promise<JsonObject> {
    const fn = await this.functions.getByName(name);
    this.policy.assertCanInvoke(principal, fn, name);
    const record = version === undefined ? await this.versions.getById(fn.latestVersionId) : await this.versions.getByVersion(fn.id, version);
    return this.forFunction(fn, record);
  }

  private forFunction(fn: FunctionRecord, version: FunctionVersionRecord): JsonObject {
    return this.document(
      this.urls.api(),
      { title: fn.name, description: fn.description || `The HTTP endpoints of ${fn.name}.`, version: version.version },
      functionPaths(this.functionInput(fn, version)),
    );
  }

  private document(apiUrl: string, info: JsonObject, paths: JsonObject): JsonObject {
    return {
      openapi: '3.1.1',
      info: { ...info, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
      jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
      servers: [{ url: apiUrl || '/', description: 'The management API' }],
      paths,
      components: this.components,
    };
  }

  private functionInput(fn: FunctionRecord, version: FunctionVersionRecord | null) {
    return {
      name: fn.name,
      description: fn.description,
      public: fn.permissions.public,
      version: version?.version ?? fn.latestVersion,
      schemas: declaredSchemasOf(version),
      functionsUrl: this.urls.functions(),
    };
  }

  /**
   * Public functions, and with a credential those the principal may see; the access policy
   * has the last word on each (storage only narrows the list).
   */
  private async reachableFunctions(principal: Principal): Promise<{ functions: FunctionRecord[]; truncated: boolean }> {
    const filter: FunctionFilter = isAdmin(principal)
      ? {}
      : isAuthenticated(principal)
        ? { public: true, visibleTo: { subject: principal.subject, roles: principal.roles } }
        : { public: true };
    const found: FunctionRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.functions.list(filter, { first: MAX_PAGE_SIZE, after });
      for (const fn of page.items) {
        const access = this.policy.functionAccess(principal, fn);
        if (access.visible || access.invoke) found.push(fn);
      }
      // One more than listed tells that some were left out.
      if (found.length > MAX_DOCUMENTED_FUNCTIONS) return { functions: found.slice(0, MAX_DOCUMENTED_FUNCTIONS), truncated: true };
      if (!page.hasMore || page.items.length === 0) return { functions: found, truncated: false };
      after = page.items[page.items.length - 1].name;
    }
  }
}

/** `/execute/{functionId}[/{path}]`: any function by id. */
function genericFunctionPaths(functionsUrl: string): JsonObject {
  return functionPaths({ name: null, description: '', public: true, version: null, schemas: {}, functionsUrl });
}

/** The registration document's JSON Schema, from the zod schema the server validates with (input side: before defaults and transforms). */
function registrationJsonSchema(config: AppConfig): JsonObject {
  const schema = z.toJSONSchema(registrationDocumentSchema(config.limits, config.schedules), { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  const { $schema: _dialect, ...rest } = schema as JsonObject;
  const properties = (rest.properties ?? {}) as Record<string, JsonObject>;
  for (const [field, description] of Object.entries(REGISTRATION_FIELD_DESCRIPTIONS)) {
    if (properties[field] && properties[field].description === undefined) properties[field] = { description, ...properties[field] };
  }
  return {
    description: 'The function document (`POST /functions/register`; the GraphQL inputs take the same fields). Unknown fields are refused.',
    ...rest,
  };
}
