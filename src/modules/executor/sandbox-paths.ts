/**
 * Where the runtime shims and a version's dependencies appear inside every sandbox,
 * whatever the driver: the shims and `dependencyModulePath` rely on them.
 */
export const SANDBOX_SHIMS_DIR = '/opt/fngraph/shims';
export const SANDBOX_DEPENDENCIES_DIR = '/opt/fngraph/deps';
/** An archive version's files: the function's folder (where `runtimeDefinition().functionFilename` lives). */
export const SANDBOX_FUNCTION_DIR = '/function';
/** Where a sandbox with network access finds its egress gateway's socket directory. */
export const SANDBOX_EGRESS_DIR = '/opt/fngraph/egress';
/** Where a container finds the directory of the socket its shim speaks the protocol over. */
export const SANDBOX_PROTOCOL_DIR = '/opt/fngraph/protocol';
