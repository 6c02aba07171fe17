// Paged lists of the API (`{items, nextCursor?}` with `?limit=&cursor=`): the page a route asks for, and the cursor a
// store refuses. Used by the campaign policy and the webhook endpoint lists alike.

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;

export interface PageRequest {
  limit: number;
  /** Opaque, from an earlier page's nextCursor. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/** A cursor that is not one of ours (or from another list). */
export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this list gave out.');
    this.name = 'InvalidCursorError';
  }
}

export type BadQuery = { kind: 'bad_query'; detail: string };

/** `?limit=&cursor=` of a list route: limit 1–100 (default 50), a cursor of base64url characters. */
export function parsePageQuery(query: Record<string, string | undefined> = {}): PageRequest | BadQuery {
  const { limit, cursor } = query;
  if (limit !== undefined && !/^\d{1,3}$/.test(limit)) {
    return { kind: 'bad_query', detail: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}.` };
  }
  const value = limit === undefined ? DEFAULT_PAGE_LIMIT : Number(limit);
  if (value < 1 || value > MAX_PAGE_LIMIT) {
    return { kind: 'bad_query', detail: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}.` };
  }
  if (cursor !== undefined && !/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) {
    return { kind: 'bad_query', detail: 'cursor is not one this list gave out.' };
  }
  return { limit: value, ...(cursor === undefined ? {} : { cursor }) };
}

export function isBadQuery(value: PageRequest | BadQuery): value is BadQuery {
  return 'kind' in value;
}
