import { spawn } from 'node:child_process';
import { Injectable, Logger } from '@nestjs/common';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { PythonSourceChecker } from '@/modules/runtimes/python-source-checker.js';

/** Shown to users in place of the sandbox's path. */
export const PYTHON_SOURCE_FILE = 'handler.py';
const CHECK_TIMEOUT_MS = 15_000;
const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Parses the source (read from stdin as UTF-8) without running any of it, and reports
 * the first syntax error or whether a top-level `handler` is bound. Names bound inside
 * top-level `if`/`try`/`with` blocks count; a star import could bind anything.
 */
const CHECK_SCRIPT = String.raw`
import ast, json, sys

def bound_names(body):
    names, star = set(), False
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == '*':
                    star = True
                names.add((alias.asname or alias.name).split('.')[0])
            continue
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
            targets = [node.target]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name):
                    names.add(sub.id)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                stack.append(child)
            elif isinstance(child, (ast.excepthandler, ast.match_case)):
                stack.extend(c for c in ast.iter_child_nodes(child) if isinstance(c, ast.stmt))
    return names, star

source = sys.stdin.buffer.read().decode('utf-8', 'replace')
try:
    # The sandbox runs 3.11: newer syntax must fail here even if the host Python is newer.
    tree = ast.parse(source, filename='handler.py', feature_version=(3, 11))
except SyntaxError as error:
    print(json.dumps({'ok': False, 'line': error.lineno or 1, 'column': error.offset or 1, 'message': error.msg}))
except (ValueError, RecursionError, MemoryError) as error:
    print(json.dumps({'ok': False, 'line': 1, 'column': 1, 'message': '%s: %s' % (type(error).__name__, error)}))
else:
    names, star = bound_names(tree.body)
    print(json.dumps({'ok': True, 'definesHandler': 'handler' in names or star}))
`;

type CheckOutcome = { ok: true; definesHandler: boolean } | { ok: false; line: number; column: number; message: string };

/**
 * Registration-time check of Python source with a short-lived host `python3`
 * (`ast.parse`: nothing of the source runs). Without a Python on the host the check is
 * skipped with a warning: the sandbox then reports the same errors when loading.
 */
@Injectable()
export class PythonSyntaxChecker extends PythonSourceChecker {
  private readonly logger = new Logger(PythonSyntaxChecker.name);
  private warnedUnavailable = false;

  constructor(private readonly config: AppConfig) {
    super();
  }

  async check(source: string): Promise<void> {
    const outcome = await this.parse(source);
    if (outcome === null) return;
    if (!outcome.ok) {
      const where = `${PYTHON_SOURCE_FILE}:${outcome.line}:${outcome.column}: ${outcome.message}`;
      throw new ValidationError(`The python code does not compile: ${where}`, [{ field: 'code', message: where }]);
    }
    if (!outcome.definesHandler) {
      const message = `${PYTHON_SOURCE_FILE} must define a top-level function handler(event, context)`;
      throw new ValidationError(message, [{ field: 'code', message }]);
    }
  }

  /** null when the check could not run. */
  private parse(source: string): Promise<CheckOutcome | null> {
    return new Promise((resolve) => {
      const child = spawn(this.config.dependencyBuild.pythonBinary, ['-I', '-c', CHECK_SCRIPT], {
        env: this.checkerEnvironment(),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      let errors = '';
      let startFailed = false;
      const timer = setTimeout(() => child.kill('SIGKILL'), CHECK_TIMEOUT_MS);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (output.length < MAX_OUTPUT_BYTES) output += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (errors.length < MAX_OUTPUT_BYTES) errors += chunk;
      });
      child.stdin.on('error', () => undefined);
      child.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        startFailed = true;
        this.unavailable(error.code === 'ENOENT' ? `${this.config.dependencyBuild.pythonBinary} was not found` : error.message);
        resolve(null);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (startFailed) return;
        try {
          resolve(JSON.parse(output) as CheckOutcome);
        } catch {
          if (code !== null || signal !== null) {
            const why = signal ? `was killed (${signal})` : `exited with code ${code}: ${errors.trim().split('\n').slice(-1)[0] ?? ''}`;
            this.logger.warn(`Python syntax check skipped: ${this.config.dependencyBuild.pythonBinary} ${why}`);
          }
          resolve(null);
        }
      });
      child.stdin.end(source);
    });
  }

  /** Enough to find the interpreter (PATH, and HOME for version managers such as pyenv). */
  private checkerEnvironment(): Record<string, string> {
    const { PATH, HOME } = this.config.dependencyBuild.environment;
    return { PATH: PATH ?? '/usr/bin:/bin', ...(HOME ? { HOME } : {}), LANG: 'C.UTF-8' };
  }

  private unavailable(reason: string): void {
    if (this.warnedUnavailable) return;
    this.warnedUnavailable = true;
    this.logger.warn(`Python code is registered WITHOUT a syntax check: ${reason} (FNGRAPH_BUILD_PYTHON_BINARY)`);
  }
}
