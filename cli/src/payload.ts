import { existsSync, fstatSync, readFileSync } from 'node:fs';
import type { InvokeFunctionInput } from '@fngraph/sdk';
import { usageError } from './exit-codes.js';

export interface PayloadOptions {
  data?: string;
  file?: string;
  method?: string;
  path?: string;
  header?: string[];
  query?: string[];
}

/** Whether stdin was redirected from a file or a pipe (not a terminal, not /dev/null). */
function stdinIsRedirected(): boolean {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isFile();
  } catch {
    return false;
  }
}

function readPayloadText(options: PayloadOptions): string | undefined {
  if (options.data !== undefined && options.file !== undefined) throw usageError('Give --data or --file, not both');
  if (options.data !== undefined) return options.data;
  if (options.file === '-') return readFileSync(0, 'utf8');
  if (options.file !== undefined) {
    if (!existsSync(options.file)) throw usageError(`No such file: ${options.file}`);
    return readFileSync(options.file, 'utf8');
  }
  return stdinIsRedirected() ? readFileSync(0, 'utf8') : undefined;
}

function pairs(values: string[] | undefined, separator: string, what: string): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const result: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf(separator);
    if (at <= 0) throw usageError(`${what} must look like name${separator}value: ${value}`);
    result[value.slice(0, at).trim()] = value.slice(at + 1).trim();
  }
  return result;
}

/**
 * The payload part of `invokeFunction`'s input: a JSON payload (`payload`) when only a
 * body that parses as JSON is given; an HTTP-shaped `event` when the body is not JSON or
 * a method, path, header or query is given.
 */
export function invocationPayload(options: PayloadOptions): Pick<InvokeFunctionInput, 'payload' | 'event'> {
  const text = readPayloadText(options);
  const headers = pairs(options.header, ':', '--header');
  const query = pairs(options.query, '=', '--query');
  const shaped = options.method !== undefined || options.path !== undefined || headers || query;
  if (!shaped) {
    if (text === undefined || text.trim() === '') return {};
    try {
      return { payload: JSON.parse(text) as unknown };
    } catch {
      return { event: { body: text } };
    }
  }
  return { event: { method: options.method?.toUpperCase(), path: options.path, headers, query, body: text } };
}
