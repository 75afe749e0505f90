/** Injection token of the process's root pino logger (built before Nest, see `server.ts`). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
