import type { Language } from '../runtime-catalog.js';

/** Most characters of a `handler`. */
export const MAX_HANDLER_LENGTH = 200;
/**
 * `<module path without extension>.<export>`: folders separated by `/` (Python also
 * accepts `.` between packages), the last `.` starts the export: `index.lambdaHandler`,
 * `src/app.handler`, `main.handle`, `pkg/mod.handle`, `pkg.mod.handle`. No segment starts
 * with a dot, so none is `.` or `..`.
 */
export const HANDLER_PATTERN = /^(?:[A-Za-z0-9_@-][A-Za-z0-9_.@-]*\/)*[A-Za-z0-9_@-][A-Za-z0-9_@-]*(?:\.[A-Za-z0-9_@-]+)*\.[A-Za-z_$][A-Za-z0-9_$]*$/;
export const HANDLER_RULE = '<module path without extension>.<export>, such as index.handler, src/app.handler or main.handle';

/** What a sandbox loads and calls: a module of the function's folder and one of its exports. */
export interface EntryPoint {
  /** Module path without extension, `/`-separated: `index`, `src/app`, `pkg/mod`. */
  module: string;
  /** The export called; null: the default rule (JS: default export, `handler` or `module.exports`). */
  export: string | null;
}

/** Today's entry points, when a registration names none: `index` (JS/TS) and `handler.handler` (Python). */
export function defaultEntryPoint(language: Language): EntryPoint {
  return language === 'python' ? { module: 'handler', export: 'handler' } : { module: 'index', export: null };
}

/** The entry point a `handler` names (null: the language's default). */
export function entryPointOf(language: Language, handler: string | null): EntryPoint {
  if (handler === null) return defaultEntryPoint(language);
  const dot = handler.lastIndexOf('.');
  const module = handler.slice(0, dot);
  // Python names packages with dots as often as with slashes: both mean the same module.
  return { module: language === 'python' ? module.replace(/\./g, '/') : module, export: handler.slice(dot + 1) };
}

/** `handler` as users write it, for messages. */
export function describeEntryPoint(entry: EntryPoint): string {
  return entry.export === null ? `${entry.module} (default export or handler)` : `${entry.module}.${entry.export}`;
}
