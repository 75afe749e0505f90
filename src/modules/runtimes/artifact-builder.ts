import { Injectable } from '@nestjs/common';
import { transform, type Message } from 'esbuild';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { type Language, type RuntimeId, runtimeDefinition } from './runtime-catalog.js';
import { PythonSourceChecker } from './python-source-checker.js';

const SOURCE_FILE: Record<Language, string> = {
  javascript: 'index.js',
  typescript: 'index.ts',
  python: 'handler.py',
};

/**
 * Turns registered source into what a sandbox loads, once per version: JavaScript and
 * TypeScript become CommonJS for Node (so `export default`, `import` and types all
 * work); Python runs as registered, once its syntax is checked.
 */
@Injectable()
export class ArtifactBuilder {
  constructor(private readonly python: PythonSourceChecker) {}

  /** `runtime` picks the syntax esbuild may leave as is (what that Node.js major supports). */
  async build(language: Language, source: string, runtime: RuntimeId): Promise<string> {
    if (language === 'python') {
      await this.python.check(source);
      return source;
    }
    const sourcefile = SOURCE_FILE[language];
    try {
      const result = await transform(source, {
        loader: language === 'typescript' ? 'ts' : 'js',
        format: 'cjs',
        platform: 'node',
        target: `node${runtimeDefinition(runtime).interpreterMajor ?? 20}`,
        sourcefile,
        sourcemap: 'inline',
        logLevel: 'silent',
      });
      return result.code;
    } catch (error) {
      const messages = (error as { errors?: Message[] }).errors ?? [];
      if (messages.length === 0) throw error;
      throw new ValidationError(
        `The ${language} code does not compile: ${describe(messages[0])}`,
        messages.map((m) => ({ field: 'code', message: describe(m) })),
      );
    }
  }
}

function describe(message: Message): string {
  const at = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  return `${at}${message.text}`;
}
