// Query parameters the handlers share. API Gateway joins a repeated parameter's values with commas, so `a=1&a=2`
// arrives as `1,2` and is refused like any other bad value.
import type { PageRequest } from '../app/ports.ts';
import { problemOf } from './problem.ts';
import type { ProblemDetails } from './problem-schema.ts';

// A Map, not an object literal: `force=constructor` must not find Object.prototype's members.
const BOOLEAN_VALUES = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

/** `true`/`1` or `false`/`0`; `fallback` when absent; a 400 problem otherwise. */
export function booleanParam(
  query: Record<string, string | undefined> | undefined,
  name: string,
  fallback: boolean,
): boolean | ProblemDetails {
  const raw = query?.[name];
  if (raw === undefined) return fallback;
  return (
    BOOLEAN_VALUES.get(raw) ?? problemOf('bad-request', `Query parameter ${name} must be true or false.`)
  );
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;

/** `?cursor=&limit=` of a list: limit 1–100 (default 50), cursor as a previous page gave it; a 400 otherwise. */
export function pageParams(
  query: Record<string, string | undefined> | undefined,
): PageRequest | ProblemDetails {
  const limitText = query?.limit;
  const limit = limitText === undefined ? DEFAULT_PAGE_LIMIT : Number(limitText);
  if (!/^\d{1,3}$/.test(limitText ?? '50') || limit < 1 || limit > MAX_PAGE_LIMIT) {
    return problemOf('bad-request', `Query parameter limit must be an integer from 1 to ${MAX_PAGE_LIMIT}.`);
  }
  const cursor = query?.cursor;
  if (cursor !== undefined && (cursor === '' || cursor.length > 1024)) {
    return problemOf('bad-request', 'Query parameter cursor must be the nextCursor of a previous page.');
  }
  return { limit, ...(cursor === undefined ? {} : { cursor }) };
}

export function isProblem(value: unknown): value is ProblemDetails {
  return typeof value === 'object' && value !== null && 'status' in value && 'type' in value;
}
