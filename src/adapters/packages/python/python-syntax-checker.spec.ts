import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { AppConfig, packageManagerEnvironment } from '@/kernel/config/app-config.js';
import { ToolSandbox } from '@/adapters/packages/sandboxed/tool-sandbox.js';
import { PythonSyntaxChecker } from './python-syntax-checker.js';

function checker(env: Record<string, string> = {}): PythonSyntaxChecker {
  const config = AppConfig.fromEnvironment({ ...packageManagerEnvironment(process.env), NODE_ENV: 'test', ...env });
  return new PythonSyntaxChecker(config, new ToolSandbox(config));
}

async function rejection(source: string): Promise<ValidationError> {
  const error = await checker()
    .check(source)
    .then(
      () => null,
      (e: unknown) => e,
    );
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error;
}

describe('PythonSyntaxChecker (sandboxed python3)', () => {
  it('accepts valid modules that bind handler at the top level, however they do it', async () => {
    const valid = [
      'def handler(event, context):\n    return 1\n',
      'async def handler(event, context):\n    return 1\n',
      'handler = lambda event, context: 1\n',
      'from json import dumps as handler\n',
      'class handler:\n    def __init__(self, event, context):\n        pass\n',
      'try:\n    import ujson as json\nexcept ImportError:\n    import json\nif True:\n    def handler(e, c):\n        return json.dumps(e)\n',
      'from os.path import *\n',
      '# -*- coding: utf-8 -*-\n"""Ünïcode docstring 👋"""\ndef handler(event, context):\n    return "é"\n',
    ];
    for (const source of valid) await expect(checker().check(source)).resolves.toBeUndefined();
  });

  it('reports the first syntax error as handler.py:line:column: message', async () => {
    const error = await rejection('import os\n\ndef handler(event, context)\n    return 1\n');
    expect(error.message).toBe("The python code does not compile: handler.py:3:28: expected ':'");
    expect(error.details).toEqual([{ field: 'code', message: "handler.py:3:28: expected ':'" }]);
    expect((await rejection('def handler(event, context):\n\treturn 1\n        pass\n')).message).toMatch(
      /handler\.py:3:\d+: unindent does not match|inconsistent use of tabs/,
    );
    expect((await rejection('x = 1\0\n')).message).toMatch(/^The python code does not compile: handler\.py:1:\d+: /);
  });

  it('requires a handler, without running any of the code', async () => {
    const error = await rejection('import sys\nsys.exit(3)\ndef main(event, context):\n    def handler():\n        pass\n');
    expect(error.message).toBe('handler.py must define a top-level function handler(event, context)');
  });

  it('refuses source over the size cap, and source whose parse needs more than the memory cap', async () => {
    const bulky = `DATA = [\n${'(1, 2),\n'.repeat(70_000)}]\ndef handler(event, context):\n    return 1\n`;
    const capped = checker({ FNGRAPH_PYTHON_CHECK_MEMORY_MB: '64' });
    await expect(capped.check(bulky)).rejects.toThrow('The python code is too large or too complex to check within 64 MB (FNGRAPH_PYTHON_CHECK_MEMORY_MB)');
    // The same source within a larger cap: the cap is what refused it.
    await expect(checker({ FNGRAPH_PYTHON_CHECK_MEMORY_MB: '1024' }).check(bulky)).resolves.toBeUndefined();
    const small = checker({ FNGRAPH_PYTHON_CHECK_MAX_BYTES: '1024' });
    await expect(small.check(`# ${'x'.repeat(1100)}\n`)).rejects.toThrow(/takes at most 1024 bytes \(FNGRAPH_PYTHON_CHECK_MAX_BYTES\)/);
    expect(small.peakConcurrentChecks).toBe(0);
  });

  it('skips the check with a warning when no python is available', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const withoutPython = checker({ FNGRAPH_BUILD_PYTHON_BINARY: 'fngraph-no-such-python' });
    await expect(withoutPython.check('def handler(:\n')).resolves.toBeUndefined();
    await expect(withoutPython.check('still not python')).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/WITHOUT a syntax check: fngraph-no-such-python was not found/);
    warn.mockRestore();
  });
});
