// RFC 9457 problem details and the conversion of zod issues into the API's field errors.
import type { z } from 'zod';
import type { FieldError } from './types.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://cxone-assignments.dev/problems/';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** One entry per kind of problem the API answers with: its HTTP status and title. */
export const PROBLEM_KINDS = {
  'validation-failed': { status: 422, title: 'Validation failed' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'bad-request': { status: 400, title: 'Bad request' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'not-found': { status: 404, title: 'Not found' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  conflict: { status: 409, title: 'Conflict' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency key reused with another body' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  internal: { status: 500, title: 'Internal error' },
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
  [404, 'not-found'],
  [405, 'method-not-allowed'],
  [409, 'conflict'],
  [413, 'payload-too-large'],
  [415, 'unsupported-media-type'],
  [422, 'validation-failed'],
  [500, 'internal'],
]);

/**
 * A problem document. `type` is the URI of `kind` when given, else of the status's default kind, else
 * `about:blank` (RFC 9457 §4.2.1) for statuses without one.
 */
export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: FieldError[],
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
export function problemOf(kind: ProblemKind, detail: string, errors?: FieldError[]): ProblemDetails {
  const { status, title } = PROBLEM_KINDS[kind];
  return problem(status, title, detail, errors, kind);
}

/**
 * At most this many field errors are listed. Every error is still counted: a 256 KiB body of empty agents has
 * ~300,000 errors, and listing them all answered ~30 MB, over Lambda's 6 MB response limit (a 5xx when deployed).
 */
export const MAX_LISTED_FIELD_ERRORS = 1000;

/** The 422 problem for a list of field errors (the first MAX_LISTED_FIELD_ERRORS of them). */
export function validationProblem(errors: FieldError[]): ProblemDetails {
  const count = errors.length === 1 ? '1 validation error' : `${errors.length} validation errors`;
  const listed = errors.slice(0, MAX_LISTED_FIELD_ERRORS);
  const detail = listed.length < errors.length ? `${count}; the first ${listed.length} are listed` : count;
  return problemOf('validation-failed', detail, listed);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['agents', 0, 'availabilityWindow', 'timezone']` → `agents[0].availabilityWindow.timezone`; root → ``. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'symbol') out += `[${segment.toString()}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/** The field error code of an issue: zod's code, or the `params.code` our refinements attach to custom issues. */
function issueCode(issue: Issue): string {
  if (issue.code === 'custom') {
    const code = issue.params?.code;
    if (typeof code === 'string') return code;
  }
  return issue.code;
}

function issueMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return isMissing(issue) ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'array' ? `must contain at least ${issue.minimum} item(s)` : issue.message;
    case 'too_big':
      return issue.origin === 'array' ? `must contain at most ${issue.maximum} item(s)` : issue.message;
    default:
      return issue.message;
  }
}

/** Zod only keeps an issue's input when asked to (`reportInput`); its default message names what it received. */
function isMissing(issue: Issue): boolean {
  return 'input' in issue ? issue.input === undefined : issue.message.endsWith('received undefined');
}

function article(expected: string): string {
  const noun = expected === 'int' ? 'integer' : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/**
 * Zod issues → field errors. An `unrecognized_keys` issue becomes one error per unknown key, on the key's own path
 * (`agents[0].foo`).
 */
export function zodIssuesToFieldErrors(issues: readonly Issue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({
          path: formatIssuePath([...issue.path, key]),
          code: issue.code,
          message: `unknown field ${JSON.stringify(key)}`,
        });
      }
      continue;
    }
    errors.push({ path: formatIssuePath(issue.path), code: issueCode(issue), message: issueMessage(issue) });
  }
  return errors;
}
