// Query parameters the handlers share (the page of a list is lib/app/paging.ts's). API Gateway joins a repeated
// parameter's values with commas, so `a=1&a=2` arrives as `1,2` and is refused like any other bad value.
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

export function isProblem(value: unknown): value is ProblemDetails {
  return typeof value === 'object' && value !== null && 'status' in value && 'type' in value;
}
