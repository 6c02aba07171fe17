// RFC 9457 problem details: the API's error documents, their kinds, HTTP statuses and titles. The document's schema
// is in problem-schema.ts, which only the OpenAPI generator loads at run time.
import type { ValidationIssue } from '../domain/types.ts';
import type { ProblemDetails } from './problem-schema.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://cxone-assignments.dev/problems/';

/** One entry per kind of problem the API answers with: its HTTP status and title. */
export const PROBLEM_KINDS = {
  'validation-failed': { status: 422, title: 'Validation failed' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'bad-request': { status: 400, title: 'Bad request' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'not-found': { status: 404, title: 'Not found' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  conflict: { status: 409, title: 'Conflict' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  'precondition-required': { status: 428, title: 'Precondition required' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency key reused with another body' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  internal: { status: 500, title: 'Internal error' },
  'bad-gateway': { status: 502, title: 'Bad gateway' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

/** The `type` URI of a kind, e.g. `https://cxone-assignments.dev/problems/validation-failed`. */
export function problemType(kind: ProblemKind): string {
  return PROBLEM_TYPE_BASE + kind;
}

/** The default kind of a status (422 is `validation-failed`; `idempotency-key-reused` must be asked for). */
const KIND_BY_STATUS = new Map<number, ProblemKind>([
  [400, 'malformed-json'],
  [401, 'unauthorized'],
  [403, 'forbidden'],
  [404, 'not-found'],
  [405, 'method-not-allowed'],
  [409, 'conflict'],
  [412, 'precondition-failed'],
  [413, 'payload-too-large'],
  [415, 'unsupported-media-type'],
  [422, 'validation-failed'],
  [428, 'precondition-required'],
  [500, 'internal'],
  [502, 'bad-gateway'],
  [503, 'service-unavailable'],
]);

/**
 * A problem document. `type` is the URI of `kind` when given, else of the status's default kind, else
 * `about:blank` (RFC 9457 §4.2.1) for statuses without one.
 */
export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: ValidationIssue[],
  kind?: ProblemKind,
): ProblemDetails {
  const resolvedKind = kind ?? KIND_BY_STATUS.get(status);
  const result: ProblemDetails = {
    type: resolvedKind ? problemType(resolvedKind) : 'about:blank',
    title,
    status,
    detail,
  };
  if (errors !== undefined) result.errors = errors;
  return result;
}

/** A problem of a known kind, with the kind's status and title. */
export function problemOf(kind: ProblemKind, detail: string, errors?: ValidationIssue[]): ProblemDetails {
  const { status, title } = PROBLEM_KINDS[kind];
  return problem(status, title, detail, errors, kind);
}

/**
 * At most this many field errors are listed. Every error is still counted: a 256 KiB body of empty agents has
 * ~300,000 errors, and listing them all answered ~30 MB, over Lambda's 6 MB response limit (a 5xx when deployed).
 */
export const MAX_LISTED_FIELD_ERRORS = 1000;

/** The 422 problem for a list of validation issues (the first MAX_LISTED_FIELD_ERRORS of them). */
export function validationProblem(issues: ValidationIssue[]): ProblemDetails {
  const count = issues.length === 1 ? '1 validation error' : `${issues.length} validation errors`;
  const listed = issues.slice(0, MAX_LISTED_FIELD_ERRORS);
  const detail = listed.length < issues.length ? `${count}; the first ${listed.length} are listed` : count;
  return problemOf('validation-failed', detail, listed);
}
