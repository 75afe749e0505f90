/** The module a Python check reads and the function it must define. */
export interface PythonCheckTarget {
  /** The file named in messages: `handler.py`, `pkg/mod.py`. */
  file: string;
  /** The top-level name the module must bind: `handler`, or the export a `handler` names. */
  name: string;
}

/**
 * Port: checks Python source at registration without running any of it, throwing a
 * `ValidationError` (with `<file>:line:column`) for code that does not parse or binds
 * no top-level function of the expected name (default: `handler` in `handler.py`). The
 * adapter parses it with a host Python.
 */
export abstract class PythonSourceChecker {
  abstract check(source: string, target?: PythonCheckTarget): Promise<void>;
}
