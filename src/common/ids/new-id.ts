import { v7 as uuidv7 } from 'uuid';

/**
 * Ids are UUIDv7: unique without coordination between nodes and ordered by creation
 * time, so sorting by id is sorting by age (cursors and the invocation index rely on it).
 */
export function newId(): string {
  return uuidv7();
}
