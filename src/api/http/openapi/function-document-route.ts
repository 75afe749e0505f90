import type { FunctionRoute } from '@/api/http/gateway/function-route.js';
import { FUNCTION_DOCUMENT_PATH } from './function-paths.js';

/**
 * Whether a function-endpoint request asks for the function's OpenAPI document rather than
 * the function: `GET`/`HEAD /fn/<name>[@<version>]/openapi.json`. That one sub-path of the
 * name routes is the platform's; `/execute/<id>/openapi.json` always reaches the function,
 * so a function serving its own document stays reachable there.
 */
export function functionDocumentRequest(method: string | undefined, route: FunctionRoute): { name: string; version: string | undefined } | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  if (!('name' in route.ref) || route.path !== FUNCTION_DOCUMENT_PATH) return null;
  return { name: route.ref.name, version: route.version };
}
