import { describe, expect, it } from 'vitest';
import {
  PROBLEM_KINDS,
  type ProblemKind,
  problem,
  problemOf,
  problemType,
  validationProblem,
} from '../../../lib/http/problem.ts';
import { ProblemDetailsSchema } from '../../../lib/http/problem-schema.ts';

describe('problem', () => {
  it('derives the type URI from the status', () => {
    expect(problem(422, 'Validation failed', '2 validation errors', [])).toEqual({
      type: 'https://cxone-assignments.dev/problems/validation-failed',
      title: 'Validation failed',
      status: 422,
      detail: '2 validation errors',
      errors: [],
    });
    expect(problem(415, 'Unsupported media type', 'send application/json').type).toBe(
      'https://cxone-assignments.dev/problems/unsupported-media-type',
    );
  });

  it('omits errors when none are given and uses about:blank for statuses without a kind', () => {
    const teapot = problem(418, "I'm a teapot", 'short and stout');
    expect(teapot).not.toHaveProperty('errors');
    expect(teapot.type).toBe('about:blank');
  });

  it('takes an explicit kind for statuses shared by two kinds', () => {
    expect(
      problem(422, 'Idempotency key reused', 'other body', undefined, 'idempotency-key-reused').type,
    ).toBe('https://cxone-assignments.dev/problems/idempotency-key-reused');
  });

  it('has one distinct type URI per kind, each a valid problem document', () => {
    const kinds = Object.keys(PROBLEM_KINDS) as ProblemKind[];
    expect(kinds).toEqual(
      expect.arrayContaining([
        'validation-failed',
        'malformed-json',
        'unsupported-media-type',
        'payload-too-large',
        'not-found',
        'unauthorized',
        'conflict',
        'idempotency-key-reused',
        'method-not-allowed',
        'internal',
        'forbidden',
        'precondition-failed',
        'precondition-required',
        'bad-gateway',
        'service-unavailable',
      ]),
    );
    expect(new Set(kinds.map(problemType)).size).toBe(kinds.length);
    for (const kind of kinds) {
      const document = problemOf(kind, 'detail');
      expect(document.status).toBe(PROBLEM_KINDS[kind].status);
      expect(document.type).toBe(`https://cxone-assignments.dev/problems/${kind}`);
      expect(ProblemDetailsSchema.safeParse(document).success).toBe(true);
    }
  });

  it('derives the kinds of the policy API and the authorizer from their statuses', () => {
    for (const [status, kind] of [
      [403, 'forbidden'],
      [412, 'precondition-failed'],
      [428, 'precondition-required'],
      [502, 'bad-gateway'],
      [503, 'service-unavailable'],
    ] as const) {
      expect(problem(status, 'title', 'detail').type).toBe(problemType(kind));
    }
  });

  it('builds the 422 for field errors', () => {
    const errors = [{ path: 'agents', code: 'too_small', message: 'm' }];
    expect(validationProblem(errors)).toMatchObject({ status: 422, detail: '1 validation error', errors });
  });
});
