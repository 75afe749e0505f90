import { Injectable } from '@nestjs/common';
import type { ValidateFunction } from 'ajv';
import { type ErrorDetail, ValidationError } from '@/kernel/errors/domain-error.js';
import type { InvocationEvent } from '@/modules/executor/execution.types.js';
import { asHttpResult } from '@/modules/executor/http-result.js';
import type { VersionContract } from './contract.record.js';
import { compileSchema, describeErrors } from './json-schema-compiler.js';

/** A version whose requests and results may be checked. */
export interface ContractHolder {
  id: string;
  contract: VersionContract | null;
}

interface CompiledContract {
  input?: ValidateFunction;
  query?: ValidateFunction;
  output?: ValidateFunction;
}

/** Compiled versions kept; versions are immutable, so an entry never goes stale, only cold. */
const MAX_CACHED_VERSIONS = 1000;

/** Requests of these methods carry no body: only their query string is checked. */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Details listed per refusal at most (a schema may report every item of a long array). */
const MAX_DETAILS = 20;

/**
 * Checks requests and results against a version's declared schemas. Each version's schemas are
 * compiled once (on first use) and kept by version id.
 */
@Injectable()
export class ContractValidators {
  private readonly compiled = new Map<string, CompiledContract>();

  /**
   * Refuses (BAD_USER_INPUT, one detail per schema error: `body/width`, `query/page`) a request
   * whose body is not JSON or does not match the input schema, or whose query string does not
   * match the query schema. Nothing is started before this passes.
   */
  assertInput(version: ContractHolder, event: Pick<InvocationEvent, 'method' | 'body' | 'isBase64Encoded' | 'query'>): void {
    if (version.contract === null) return;
    const compiled = this.compiledFor(version);
    const details: ErrorDetail[] = [];
    if (compiled.input && !(event.body === null && BODILESS_METHODS.has(event.method.toUpperCase()))) {
      const body = parsedBody(event);
      if (body === NOT_JSON) details.push({ field: 'body', message: 'must be JSON (the version declares an input schema)' });
      else if (!compiled.input(body)) details.push(...describeErrors('body', compiled.input.errors));
    }
    if (compiled.query) {
      // Coercion writes into the value it checks: a copy, the function gets the query as sent.
      const query = structuredClone(event.query);
      if (!compiled.query(query)) details.push(...describeErrors('query', compiled.query.errors));
    }
    if (details.length === 0) return;
    const shown = details.slice(0, MAX_DETAILS);
    throw new ValidationError(`The request does not match the version's contract: ${shown[0]!.field}: ${shown[0]!.message}`, shown);
  }

  /**
   * Why a result does not match the output schema (`output/url: must be string`); empty when it
   * does, or when the version declares none. The result is a 2xx response's body parsed as JSON
   * (other statuses are the function's own errors and are not checked), or the plain value returned.
   */
  outputViolations(version: ContractHolder, value: unknown): string[] {
    if (version.contract?.output === undefined) return [];
    const validate = this.compiledFor(version).output!;
    const data = resultData(value);
    if (data === UNCHECKED) return [];
    if (data === NOT_JSON) return ['output: the response body must be JSON (the version declares an output schema)'];
    if (validate(data)) return [];
    return describeErrors('output', validate.errors)
      .slice(0, MAX_DETAILS)
      .map((detail) => `${detail.field}: ${detail.message}`);
  }

  private compiledFor(version: ContractHolder): CompiledContract {
    const cached = this.compiled.get(version.id);
    if (cached) return cached;
    const contract = version.contract;
    const compiled: CompiledContract = {
      ...(contract?.input ? { input: compileSchema(contract.input) } : {}),
      ...(contract?.query ? { query: compileSchema(contract.query, { coerce: true }) } : {}),
      ...(contract?.output ? { output: compileSchema(contract.output) } : {}),
    };
    if (this.compiled.size >= MAX_CACHED_VERSIONS) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(version.id, compiled);
    return compiled;
  }
}

const NOT_JSON = Symbol('not JSON');
const UNCHECKED = Symbol('not checked');

/** The body as JSON; a request without one is checked as `null`. */
function parsedBody(event: Pick<InvocationEvent, 'body' | 'isBase64Encoded'>): unknown {
  if (event.body === null) return null;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function resultData(value: unknown): unknown {
  const response = asHttpResult(value);
  if (response === null) return value ?? null;
  if (response.statusCode < 200 || response.statusCode > 299 || response.statusCode === 204) return UNCHECKED;
  if (response.body === null) return null;
  const text = response.isBase64Encoded ? Buffer.from(response.body, 'base64').toString('utf8') : response.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}
