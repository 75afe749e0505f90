import { Injectable } from '@nestjs/common';
import { transform, type Message } from 'esbuild';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { type Language, type RuntimeId, runtimeDefinition } from './runtime-catalog.js';
import { PythonSourceChecker } from './python-source-checker.js';
import { readCodeArchive } from './code/code-archive.js';
import type { CodeFiles } from './code/code-files.js';
import { type CodeFormat, isArchiveFormat } from './code/code-format.js';
import { describeEntryPoint, type EntryPoint, entryPointOf } from './code/entry-point.js';
import { bundleJavaScript, resolveModuleFile } from './code/js-bundler.js';

/** Registered code, as the registration document carries it. */
export interface CodeInput {
  language: Language;
  /** Picks the syntax esbuild may leave as is (what that Node.js major supports). */
  runtime: RuntimeId;
  format: CodeFormat;
  /** The decoded `code`: UTF-8 source, or the archive's bytes. */
  code: Buffer;
  /** The registration's `handler`, or null for the language's default. */
  handler: string | null;
}

/** What a sandbox loads, built once per version. */
export interface BuiltCode {
  /** What the shim compiles (CommonJS for Node, source for a one-file Python function); '' when it imports the module from `files`. */
  artifact: string;
  entry: EntryPoint;
  /** The loaded module's path inside the function's folder: `index.js`, `src/app.ts`, `main.py`. */
  entryFile: string;
  /** An archive's files, laid out read-only as the function's folder in the sandbox; null for one source file. */
  files: CodeFiles | null;
}

const PYTHON_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Turns registered code into what a sandbox loads, once per version. One JavaScript or
 * TypeScript file becomes CommonJS for Node (so `export default`, `import` and types all
 * work); a folder (an archive) is bundled from its entry module. One Python file runs as
 * registered; a folder is imported as a package from the function's folder. Python entry
 * modules are parsed (nothing runs) to check they define the function named.
 */
@Injectable()
export class ArtifactBuilder {
  constructor(private readonly python: PythonSourceChecker) {}

  async build(input: CodeInput): Promise<BuiltCode> {
    const entry = entryPointOf(input.language, input.handler);
    if (isArchiveFormat(input.format)) {
      const files = readCodeArchive(input.format, input.code);
      return input.language === 'python' ? this.pythonFolder(files, entry) : this.javaScriptFolder(files, entry, nodeTarget(input.runtime));
    }
    const source = input.code.toString('utf8');
    if (entry.module.includes('/')) {
      const message = `one source file is one module: name folders (${entry.module}) only in an archive (codeFormat zip, tar or tgz)`;
      throw new ValidationError(`Invalid handler: ${message}`, [{ field: 'handler', message }]);
    }
    if (input.language === 'python') {
      const entryFile = `${entry.module}.py`;
      assertPythonModule(entry);
      await this.python.check(source, { file: entryFile, name: entry.export! });
      return { artifact: source, entry, entryFile, files: null };
    }
    const extension = input.language === 'typescript' ? 'ts' : 'js';
    const artifact = await compileJavaScript(input.language, source, `${entry.module}.${extension}`, nodeTarget(input.runtime));
    return { artifact, entry, entryFile: `${entry.module}.js`, files: null };
  }

  private async javaScriptFolder(files: CodeFiles, entry: EntryPoint, target: string): Promise<BuiltCode> {
    const entryFile = resolveModuleFile(files, entry.module);
    if (entryFile === null) throw missingModule(entry, `${entry.module}.ts, .js, .mjs, .cjs or ${entry.module}/index.*`);
    return { artifact: await bundleJavaScript(files, entryFile, target), entry, entryFile, files };
  }

  private async pythonFolder(files: CodeFiles, entry: EntryPoint): Promise<BuiltCode> {
    assertPythonModule(entry);
    const entryFile = [`${entry.module}.py`, `${entry.module}/__init__.py`].find((file) => files.has(file));
    if (entryFile === undefined) throw missingModule(entry, `${entry.module}.py or ${entry.module}/__init__.py`);
    await this.python.check(files.get(entryFile)!.toString('utf8'), { file: entryFile, name: entry.export! });
    return { artifact: '', entry, entryFile, files };
  }
}

/** esbuild's target for a Node.js runtime. */
function nodeTarget(runtime: RuntimeId): string {
  return `node${runtimeDefinition(runtime).interpreterMajor ?? 20}`;
}

async function compileJavaScript(language: Language, source: string, sourcefile: string, target: string): Promise<string> {
  try {
    const result = await transform(source, {
      loader: language === 'typescript' ? 'ts' : 'js',
      format: 'cjs',
      platform: 'node',
      target,
      sourcefile,
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    return result.code;
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors ?? [];
    if (messages.length === 0) throw error;
    throw new ValidationError(
      `The ${language} code does not compile: ${describe(messages[0]!)}`,
      messages.map((m) => ({ field: 'code', message: describe(m) })),
    );
  }
}

/** Python imports modules by dotted names: every segment of the module path must be an identifier. */
function assertPythonModule(entry: EntryPoint): void {
  const bad = entry.module.split('/').find((segment) => !PYTHON_IDENTIFIER.test(segment));
  if (bad !== undefined) {
    const message = `${JSON.stringify(bad)} in ${describeEntryPoint(entry)} is not a Python module name`;
    throw new ValidationError(`Invalid handler: ${message}`, [{ field: 'handler', message }]);
  }
}

function missingModule(entry: EntryPoint, tried: string): ValidationError {
  const message = `the archive has no module ${entry.module} (looked for ${tried})`;
  return new ValidationError(`Invalid handler ${describeEntryPoint(entry)}: ${message}`, [{ field: 'handler', message }]);
}

function describe(message: Message): string {
  const at = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  return `${at}${message.text}`;
}
