import type { JsonSchema } from './json-schema-to-typescript.js';

/** The schemas a version declares (GraphQL `FunctionVersion.contract`); null parts were not declared. */
export interface DeclaredSchemas {
  input?: JsonSchema | null;
  query?: JsonSchema | null;
  output?: JsonSchema | null;
}

/** One function to generate a method for: its latest version and that version's contract. */
export interface FunctionToGenerate {
  name: string;
  description?: string | null;
  version: string;
  contract: DeclaredSchemas | null;
}

/** What declares a module's types: the TypeScript and the Python schema converters. */
export interface TypeDeclarer {
  reserveName(wanted: string): string;
  declare(name: string, schema: JsonSchema): void;
}

/** Functions in name order: the generated modules are deterministic. */
export function byName(functions: readonly FunctionToGenerate[]): FunctionToGenerate[] {
  return [...functions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The types of one function's contract: `typeOf('input', 'Input')` declares the input schema
 * as `<Function>Input` (made unique) and returns that name, or null when none is declared.
 */
export function contractTypes(declarer: TypeDeclarer, functionType: string, contract: DeclaredSchemas | null) {
  return (part: keyof DeclaredSchemas, suffix: string): string | null => {
    const schema = contract?.[part];
    if (schema === null || schema === undefined) return null;
    const name = declarer.reserveName(`${functionType}${suffix}`);
    declarer.declare(name, schema);
    return name;
  };
}

/** True when the schema makes some property required, so the argument cannot be left out. */
export function requiresSomething(schema: JsonSchema): boolean {
  return typeof schema === 'object' && Array.isArray(schema.required) && schema.required.length > 0;
}
