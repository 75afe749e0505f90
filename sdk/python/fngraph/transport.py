"""GraphQL over HTTP with the standard library only (urllib + json)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional


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


class Transport:
    """Posts GraphQL documents to `<url>/graphql` with the credential as a bearer token."""

    def __init__(self, url: str, credential: Optional[str] = None, timeout: float = 60.0) -> None:
        self.endpoint = url.rstrip("/") + "/graphql"
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
