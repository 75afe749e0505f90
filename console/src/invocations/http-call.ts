import { traceparent } from './trace-context';

/** The gateway's header naming the invocation a function endpoint's response belongs to. */
export const INVOCATION_ID_HEADER = 'x-fngraph-invocation-id';

export interface HttpCallRequest {
  functionName: string;
  /** A pinned version (`/fn/<name>@<version>`); the latest when null. */
  version: string | null;
  method: string;
  /** Appended after `/fn/<name>`, query string included. */
  path: string;
  headers: [string, string][];
  body: string;
}

/** The response so far: headers once they arrive, then the body as it streams. */
export interface HttpCallResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  contentType: string;
  /** The body decoded as text (empty for a binary body, see `bytes`). */
  text: string;
  bytes: number;
  binary: boolean;
  /** The whole body has arrived. */
  complete: boolean;
}

export interface HttpCallState {
  response: HttpCallResponse | null;
  failure: Error | null;
}

/**
 * A call in flight, observable (`useSyncExternalStore`): started from an event handler, not
 * from an effect, so it runs exactly once however often the view mounts.
 */
export interface HttpCall {
  readonly request: HttpCallRequest;
  /** The trace id sent in its `traceparent`: the server records it on the invocation. */
  readonly traceId: string;
  state(): HttpCallState;
  subscribe(listener: () => void): () => void;
  /** Stops reading the response (the invocation itself runs on). */
  abort(): void;
}

const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|graphql)\b)/i;

/** The URL on this origin of a function's endpoint: `/fn/<name>[@version]/<path>`. */
export function endpointPath(functionName: string, version: string | null, path: string): string {
  const suffix = path === '' || path.startsWith('/') || path.startsWith('?') ? path : `/${path}`;
  return `/fn/${encodeURIComponent(functionName)}${version ? `@${encodeURIComponent(version)}` : ''}${suffix}`;
}

export function methodHasBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Calls a function's endpoint on this origin as the signed-in caller (see `HttpCall`). */
export function startHttpCall(request: HttpCallRequest, credential: string, traceId: string): HttpCall {
  let state: HttpCallState = { response: null, failure: null };
  const listeners = new Set<() => void>();
  const abort = new AbortController();
  const update = (next: Partial<HttpCallState>) => {
    state = { ...state, ...next };
    for (const listener of listeners) listener();
  };
  readResponse(request, credential, traceId, (response) => update({ response }), abort.signal).catch((failure: Error) => {
    if (!abort.signal.aborted) update({ failure });
  });
  return {
    request,
    traceId,
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    abort: () => abort.abort(),
  };
}

/** Sends the request; `onProgress` gets the response as its headers, then each chunk of its body, arrive. */
async function readResponse(
  request: HttpCallRequest,
  credential: string,
  traceId: string,
  onProgress: (response: HttpCallResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of request.headers) if (name.trim()) headers.append(name.trim(), value);
  headers.set('authorization', `Bearer ${credential}`);
  headers.set('traceparent', traceparent(traceId));
  const response = await fetch(endpointPath(request.functionName, request.version, request.path), {
    method: request.method,
    headers,
    body: methodHasBody(request.method) && request.body !== '' ? request.body : undefined,
    credentials: 'omit',
    cache: 'no-store',
    signal,
  });
  const contentType = response.headers.get('content-type') ?? '';
  let current: HttpCallResponse = {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers.entries()],
    contentType,
    text: '',
    bytes: 0,
    binary: contentType !== '' && !TEXTUAL.test(contentType),
    complete: false,
  };
  onProgress(current);
  if (response.body) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      current = { ...current, bytes: current.bytes + value.byteLength, text: current.binary ? '' : current.text + decoder.decode(value, { stream: true }) };
      onProgress(current);
    }
    if (!current.binary) current = { ...current, text: current.text + decoder.decode() };
  }
  onProgress({ ...current, complete: true });
}

/** The invocation id the gateway put on the response, if any (not on the platform's own refusals). */
export function invocationIdOf(response: HttpCallResponse | null): string | null {
  return response?.headers.find(([name]) => name.toLowerCase() === INVOCATION_ID_HEADER)?.[1] ?? null;
}
