/** A JSON Schema (2020-12) object, as the registration gave it. */
export type JsonSchema = { [keyword: string]: unknown };

export const CONTRACT_OUTPUT_MODES = ['flag', 'refuse'] as const;
/** What a result that does not match the output schema does: `flag` records it and answers; `refuse` fails the invocation. */
export type ContractOutputMode = (typeof CONTRACT_OUTPUT_MODES)[number];

/** The schemas a version declares; each absent part accepts anything. Fixed with the version. */
export interface VersionContract {
  /** The request body, parsed as JSON. */
  input?: JsonSchema;
  /** The query string, as an object of strings (or lists of strings), coerced to the types the schema names. */
  query?: JsonSchema;
  /** The result: a 2xx response's body parsed as JSON, or the plain value the handler returned. */
  output?: JsonSchema;
  outputMode: ContractOutputMode;
}

export const CONTRACT_PARTS = ['input', 'query', 'output'] as const;
export type ContractPart = (typeof CONTRACT_PARTS)[number];
