/**
 * The smallest UUIDv7 of a millisecond: invocation ids are UUIDv7 (time-ordered), so a time
 * range is an id range, which the id index serves without a query of its own.
 */
export function firstIdAt(at: Date): string {
  const hex = Math.max(0, Math.floor(at.getTime())).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
