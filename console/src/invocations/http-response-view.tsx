import { formatBytes, prettyIfJson } from '@/ui/format';
import { HeadersTable } from './headers-table';
import type { HttpCallResponse } from './http-call';

/** A function endpoint's response: status, headers, and the body as it arrives. */
export function HttpResponseView({ response }: { response: HttpCallResponse }) {
  return (
    <section className="http-response" aria-label="Response">
      <p className="response-status">
        <span className={`badge ${response.status < 400 ? 'badge-ok' : 'badge-bad'}`}>HTTP {response.status}</span> {response.statusText}
        {response.complete ? null : <span className="muted"> · receiving…</span>}
      </p>
      <HeadersTable title="Response headers" headers={response.headers} />
      <ResponseBody response={response} />
    </section>
  );
}

function ResponseBody({ response }: { response: HttpCallResponse }) {
  if (response.binary)
    return (
      <p className="muted">
        Binary body, {formatBytes(response.bytes)} ({response.bytes} bytes).
      </p>
    );
  if (response.complete && response.bytes === 0) return <p className="muted">No body.</p>;
  // Indented once whole (a half-received JSON document is not JSON yet).
  const json = /json/i.test(response.contentType);
  const text = response.complete && json ? prettyIfJson(response.text) : response.text;
  return (
    <pre className="response-body" aria-label="Response body">
      {text}
    </pre>
  );
}
