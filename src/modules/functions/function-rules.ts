/** Naming and size rules of a function and its parts, shared by every input path. */
export const FUNCTION_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
export const FUNCTION_NAME_RULE = 'lower-case letters, digits, "-" and "_", 1 to 63 characters, starting and ending with a letter or digit';

export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,49}$/;
export const MAX_TAGS = 20;

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const MAX_ENV_VARS = 100;
export const MAX_ENV_VALUE_BYTES = 32 * 1024;
export const MAX_ENV_TOTAL_BYTES = 256 * 1024;

export const MAX_DEPENDENCIES = 100;
export const MAX_DESCRIPTION_LENGTH = 1000;
export const MAX_PRINCIPALS = 100;

/** Most invocations one sandbox may serve at once (`executionConfig.concurrency`). */
export const MAX_CONCURRENCY = 1000;

/** Bounds of the async delivery policy (`executionConfig.retry`, `maxEventAgeSeconds`). */
export const MAX_ATTEMPTS = 10;
export const MAX_RETRY_BACKOFF_SECONDS = 3600;
export const MIN_EVENT_AGE_SECONDS = 60;
export const MAX_EVENT_AGE_SECONDS = 86400;
export const MAX_SCHEDULES = 10;
export const SCHEDULE_ID_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})$/;
export const SCHEDULE_ID_RULE = 'letters, digits, "-" and "_", 1 to 63 characters, starting with a letter or digit';
/** Serialised size of one schedule's payload, at most (it is stored on the function). */
export const MAX_SCHEDULE_PAYLOAD_BYTES = 64 * 1024;

export { ROLES, type Role } from '@/kernel/identity/roles.js';
