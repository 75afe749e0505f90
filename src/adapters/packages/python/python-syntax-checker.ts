import { Injectable, Logger } from '@nestjs/common';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { BuildSlots } from '@/modules/runtimes/dependencies/build-slots.js';
import { type PythonCheckTarget, PythonSourceChecker } from '@/modules/runtimes/python-source-checker.js';
import { ToolSandbox } from '@/adapters/packages/sandboxed/tool-sandbox.js';

/** Shown to users in place of the sandbox's path, when the registration names no other module. */
export const PYTHON_SOURCE_FILE = 'handler.py';
const DEFAULT_TARGET: PythonCheckTarget = { file: PYTHON_SOURCE_FILE, name: 'handler' };
/** Wall-clock bound of one check; its CPU time is capped lower, inside (RLIMIT_CPU). */
const CHECK_TIMEOUT_MS = 15_000;
const CHECK_CPU_SECONDS = 10;
/** Lines of output kept from one check (the verdict, or a traceback's end). */
const MAX_OUTPUT_LINES = 200;
/** Prefix of the verdict line, told apart from anything else the interpreter prints. */
const VERDICT = 'FNGRAPH-CHECK ';

/**
 * Parses the source (read from stdin as UTF-8) without running any of it, and reports
 * the first syntax error or whether the wanted top-level name is bound. Names bound inside
 * top-level `if`/`try`/`with` blocks count; a star import could bind anything. Its
 * memory and CPU time are capped first (argv: bytes, seconds, file name, wanted name),
 * before it reads a byte.
 */
const CHECK_SCRIPT = String.raw`
import ast, json, resource, sys

memory, cpu, filename, wanted = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
for kind in (resource.RLIMIT_AS, resource.RLIMIT_DATA):
    resource.setrlimit(kind, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

def verdict(value):
    print('${VERDICT}' + json.dumps(value), flush=True)

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

try:
    source = sys.stdin.buffer.read().decode('utf-8', 'replace')
    # The sandbox runs 3.11: newer syntax must fail here even if the host Python is newer.
    tree = ast.parse(source, filename=filename, feature_version=(3, 11))
    names, star = bound_names(tree.body)
except MemoryError:
    tree = source = None
    verdict({'ok': False, 'limit': 'memory'})
except SyntaxError as error:
    verdict({'ok': False, 'line': error.lineno or 1, 'column': error.offset or 1, 'message': error.msg})
except (ValueError, RecursionError) as error:
    verdict({'ok': False, 'line': 1, 'column': 1, 'message': '%s: %s' % (type(error).__name__, error)})
else:
    verdict({'ok': True, 'definesHandler': wanted in names or star})
`;

type CheckOutcome =
  | { ok: true; definesHandler: boolean }
  | { ok: false; line: number; column: number; message: string }
  /** The parser reached its memory or CPU time cap. */
  | { ok: false; limit: 'memory' | 'time' };

/**
 * Registration-time check of Python source (`ast.parse`: nothing of the source runs),
 * bounded like anything else that handles a tenant's input: source over
 * `FNGRAPH_PYTHON_CHECK_MAX_BYTES` is refused unparsed; the parser runs in the tool
 * sandbox (bubblewrap, no network, the sandbox user) with capped memory and CPU time,
 * at most `FNGRAPH_PYTHON_CHECK_CONCURRENCY` at once. Source it cannot check within its
 * limits is refused with the reason. Without a Python on the host the check is skipped
 * with a warning: the sandbox then reports the same errors when loading.
 */
@Injectable()
export class PythonSyntaxChecker extends PythonSourceChecker {
  private readonly logger = new Logger(PythonSyntaxChecker.name);
  private readonly slots: BuildSlots;
  private warnedUnavailable = false;
  private running = 0;
  private peak = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly sandbox: ToolSandbox,
  ) {
    super();
    this.slots = new BuildSlots(config.pythonCheck.concurrency);
  }

  /** The most parser processes that ever ran at once (for tests and diagnostics). */
  get peakConcurrentChecks(): number {
    return this.peak;
  }

  async check(source: string, target: PythonCheckTarget = DEFAULT_TARGET): Promise<void> {
    const { maxSourceBytes, memoryMb } = this.config.pythonCheck;
    const size = Buffer.byteLength(source);
    if (size > maxSourceBytes) {
      const message = `The python code is ${size} bytes; the syntax check takes at most ${maxSourceBytes} bytes (FNGRAPH_PYTHON_CHECK_MAX_BYTES)`;
      throw new ValidationError(message, [{ field: 'code', message }]);
    }
    const outcome = await this.slots.run(() => this.parse(source, target));
    if (outcome === null) return;
    if (!outcome.ok && 'limit' in outcome) {
      const message =
        outcome.limit === 'memory'
          ? `The python code is too large or too complex to check within ${memoryMb} MB (FNGRAPH_PYTHON_CHECK_MEMORY_MB)`
          : `The python code is too large or too complex to check within ${CHECK_CPU_SECONDS} s`;
      throw new ValidationError(message, [{ field: 'code', message }]);
    }
    if (!outcome.ok) {
      const where = `${target.file}:${outcome.line}:${outcome.column}: ${outcome.message}`;
      throw new ValidationError(`The python code does not compile: ${where}`, [{ field: 'code', message: where }]);
    }
    if (!outcome.definesHandler) {
      const message = `${target.file} must define a top-level function ${target.name}(event, context)`;
      throw new ValidationError(message, [{ field: 'code', message }]);
    }
  }

  /** null when the check could not run. */
  private async parse(source: string, target: PythonCheckTarget): Promise<CheckOutcome | null> {
    const lines: string[] = [];
    let verdict: string | null = null;
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    const result = await this.sandbox
      .run({
        tool: 'python',
        args: ['-I', '-c', CHECK_SCRIPT, String(this.config.pythonCheck.memoryMb * 1024 * 1024), String(CHECK_CPU_SECONDS), target.file, target.name],
        workDir: null,
        network: false,
        env: {},
        input: source,
        timeoutMs: CHECK_TIMEOUT_MS,
        onLine: (line) => {
          if (line.startsWith(VERDICT)) verdict = line.slice(VERDICT.length);
          else if (lines.length < MAX_OUTPUT_LINES) lines.push(line);
        },
      })
      .finally(() => this.running--);
    if (result.startError) {
      this.unavailable(result.startError.message);
      return null;
    }
    if (verdict !== null) {
      try {
        return JSON.parse(verdict) as CheckOutcome;
      } catch {
        // Reported below.
      }
    }
    // No verdict: the interpreter died of a limit (CPU: SIGXCPU/SIGKILL; memory: while
    // failing to report) or of something else, which only the server's log needs to know.
    const output = lines.join('\n');
    if (result.timedOut || result.code === null) return { ok: false, limit: 'time' };
    if (/MemoryError/.test(output)) return { ok: false, limit: 'memory' };
    this.logger.warn(`Python syntax check skipped: the checker exited with code ${result.code}: ${lines.at(-1) ?? ''}`);
    return null;
  }

  private unavailable(reason: string): void {
    if (this.warnedUnavailable) return;
    this.warnedUnavailable = true;
    this.logger.warn(`Python code is registered WITHOUT a syntax check: ${reason}`);
  }
}
