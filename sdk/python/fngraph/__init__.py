"""fngraph's Python client: the typed queries and mutations of the TypeScript SDK, standard library only.

    from fngraph import FngraphClient, FngraphError

    client = FngraphClient("http://127.0.0.1:8080", credential=os.environ["FNGRAPH_KEY"])
    invocation = client.invoke_function(input={"name": "hello-world", "payload": {"name": "Ada"}})["invokeFunction"]
"""

from __future__ import annotations

from typing import Optional

from .generated import Operations
from .transport import FngraphError, FunctionCallError, Transport

__all__ = ["FngraphClient", "FngraphError", "FunctionCallError"]


class FngraphClient(Transport, Operations):
    """A client of one fngraph server: `url` is the server's base URL, `credential` an API key or JWT."""

    def __init__(self, url: str, credential: Optional[str] = None, timeout: float = 60.0) -> None:
        Transport.__init__(self, url, credential, timeout)
