/**
 * Port: checks Python source at registration without running any of it, throwing a
 * `ValidationError` (with `handler.py:line:column`) for code that does not parse or
 * defines no top-level `handler`. The adapter parses it with a host Python.
 */
export abstract class PythonSourceChecker {
  abstract check(source: string): Promise<void>;
}
