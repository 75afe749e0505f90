import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { usageError } from '../exit-codes.js';
import { TEMPLATE_NAMES, type TemplateName, templateFiles } from '../templates.js';

/** A function name from a folder name: lower case, URL-safe. */
function nameFromFolder(folder: string): string {
  const name = basename(folder)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(name) ? name : `fn-${name || 'function'}`;
}

/** `fngraph init <js|ts|python> [dir]`: writes a manifest and a handler; never overwrites a file. */
export async function initCommand(context: CommandContext, template: string, dir: string | undefined, options: { name?: string }): Promise<void> {
  if (!TEMPLATE_NAMES.includes(template as TemplateName)) throw usageError(`Unknown template ${template}: use one of ${TEMPLATE_NAMES.join(', ')}`);
  const folder = resolve(dir ?? '.');
  const name = options.name ?? nameFromFolder(folder);
  const files = templateFiles(template as TemplateName, name);
  const existing = Object.keys(files).filter((file) => existsSync(join(folder, file)));
  if (existing.length) throw usageError(`${folder} already has ${existing.join(', ')}: not overwriting`);
  mkdirSync(folder, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(folder, file), content);
  context.output.result({ name, template, folder, files: Object.keys(files) }, () =>
    [
      `Created ${name} (${template}) in ${folder}: ${Object.keys(files).join(', ')}`,
      `Next: fngraph deploy ${dir ?? '.'} && fngraph invoke ${name} --data '{"name":"Ada"}'`,
    ].join('\n'),
  );
}
