"""GraphQL over HTTP with the standard library only (urllib + json)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Mapping, Optional


class FngraphError(Exception):
    """Every failure of a call: a GraphQL error, a refused request, or a server that cannot be reached.

    `code` is the server's error code (`UNAUTHENTICATED`, `NOT_FOUND`, `BAD_USER_INPUT`, ...), or
    `NETWORK_ERROR` when no answer came, `BAD_RESPONSE` when the answer was not GraphQL.
    """

    def __init__(self, code: str, message: str, status: Optional[int] = None, errors: Optional[List[Dict[str, Any]]] = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.errors = errors or []


class FunctionCallError(FngraphError):
    """A function call over HTTP (`call_function`) that did not answer 2xx.

    `code` is the server's (`BAD_USER_INPUT` for input its declared schema refuses,
    `FUNCTION_FAILED`, `NOT_FOUND`, ...; `HTTP_ERROR` when the body had none), `status` the HTTP
    status, `details` the server's details (e.g. `[{"field": "body/width", "message": ...}]`),
    `body` the answer as received (parsed when it was JSON).
    """

    def __init__(self, code: str, message: str, status: int, details: List[Dict[str, Any]], body: Any) -> None:
        super().__init__(code, message, status)
        self.details = details
        self.body = body


class Transport:
    """Posts GraphQL documents to `<url>/graphql` with the credential as a bearer token."""

    def __init__(self, url: str, credential: Optional[str] = None, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.endpoint = self.url + "/graphql"
        self.credential = credential
        self.timeout = timeout

    def execute(self, document: str, variables: Dict[str, Any]) -> Any:
        """The `data` of the response; raises `FngraphError` on any error."""
        headers = {"content-type": "application/json", "accept": "application/json"}
        if self.credential:
            headers["authorization"] = f"Bearer {self.credential}"
        body = json.dumps({"query": document, "variables": variables}).encode("utf-8")
        request = urllib.request.Request(self.endpoint, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            # Refusals (401, 429, 400 for invalid documents) still carry a JSON body.
            status, text = error.code, error.read()
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise FngraphError("NETWORK_ERROR", f"Cannot reach {self.endpoint}: {reason}") from error
        try:
            payload = json.loads(text)
        except ValueError as error:
            raise FngraphError("BAD_RESPONSE", f"HTTP {status}: the answer is not JSON", status) from error
        if not isinstance(payload, dict):
            raise FngraphError("BAD_RESPONSE", f"HTTP {status}: unexpected answer", status)
        errors = payload.get("errors")
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code", "INTERNAL_SERVER_ERROR")
            raise FngraphError(code, first.get("message", "GraphQL error"), status, errors)
        if isinstance(payload.get("error"), dict):
            error = payload["error"]
            raise FngraphError(error.get("code", "BAD_RESPONSE"), error.get("message", f"HTTP {status}"), status)
        if status >= 400 or "data" not in payload:
            raise FngraphError("BAD_RESPONSE", f"HTTP {status} without data", status)
        return payload["data"]

    def call_function(
        self,
        name: str,
        input: Any = None,
        *,
        target: Optional[str] = None,
        routing_key: Optional[str] = None,
        query: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
        method: str = "POST",
    ) -> Any:
        """Calls `/fn/<name>` (`/fn/<name>@<target>`: a version or an alias) with `input` as JSON.

        Returns the answer, parsed when it is JSON, else its text. Raises `FunctionCallError` for
        an answer that is not 2xx, `FngraphError` (`NETWORK_ERROR`) when no answer came. The typed
        modules of `fngraph codegen --python` are built on it.
        """
        path = "/fn/" + urllib.parse.quote(name, safe="")
        if target:
            path += "@" + urllib.parse.quote(target, safe="")
        if query:
            pairs = [(key, item) for key, value in query.items() if value is not None for item in (value if isinstance(value, (list, tuple)) else [value])]
            path += "?" + urllib.parse.urlencode([(key, _query_value(item)) for key, item in pairs])
        sent = {"accept": "application/json", **(headers or {})}
        if self.credential:
            sent["authorization"] = f"Bearer {self.credential}"
        if routing_key:
            sent["x-fngraph-routing-key"] = routing_key
        body = None
        if input is not None:
            sent["content-type"] = "application/json"
            body = json.dumps(input).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=body, headers=sent, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, content_type, text = response.status, response.headers.get("content-type", ""), response.read()
        except urllib.error.HTTPError as error:
            status, content_type, text = error.code, error.headers.get("content-type", ""), error.read()
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise FngraphError("NETWORK_ERROR", f"Cannot reach {self.url}: {reason}") from error
        answer: Any = text.decode("utf-8", errors="replace") if text else None
        if answer is not None and "json" in content_type:
            try:
                answer = json.loads(answer)
            except ValueError:
                pass  # labelled JSON but is not: hand over the text rather than lose it
        if 200 <= status < 300:
            return answer
        error_body = answer.get("error") if isinstance(answer, dict) and isinstance(answer.get("error"), dict) else {}
        details = error_body.get("details")
        raise FunctionCallError(
            str(error_body.get("code") or "HTTP_ERROR"),
            str(error_body.get("message") or f"HTTP {status} from {path}"),
            status,
            details if isinstance(details, list) else [],
            answer,
        )


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
