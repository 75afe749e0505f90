/** A request for one page of a list ordered by a unique sort key. */
export interface PageRequest {
  /** Page size, already clamped by the caller. */
  first: number;
  /** Sort key of the last item of the previous page (decoded from the client's cursor). */
  after?: string;
}

export interface PageResult<T> {
  items: T[];
  /** Whether more items follow the last one returned. */
  hasMore: boolean;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
