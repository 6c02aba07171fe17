import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  formatIssuePath,
  PROBLEM_KINDS,
  type ProblemKind,
  problem,
  problemOf,
  problemType,
  validationProblem,
  zodIssuesToFieldErrors,
} from '../../../lib/domain/problem.ts';
import { ProblemDetailsSchema, SubmissionSchema } from '../../../lib/domain/schemas.ts';

describe('formatIssuePath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatIssuePath(['agents', 0, 'availabilityWindow', 'timezone'])).toBe(
      'agents[0].availabilityWindow.timezone',
    );
    expect(formatIssuePath(['agents', 12, 'skills', 3])).toBe('agents[12].skills[3]');
  });

  it('is empty for the root', () => {
    expect(formatIssuePath([])).toBe('');
  });

  it('quotes keys that are not identifiers', () => {
    expect(formatIssuePath(['agents', 0, 'bad key'])).toBe('agents[0]["bad key"]');
    expect(formatIssuePath([0, 'campaignId'])).toBe('[0].campaignId');
  });
});

describe('zodIssuesToFieldErrors', () => {
  it('keeps zod’s code and path for each issue', () => {
    const result = SubmissionSchema.safeParse({ agents: [{ userId: 7 }] });
    expect(result.success).toBe(false);
    const errors = zodIssuesToFieldErrors(result.error!.issues);
    expect(errors).toContainEqual({
      path: 'agents[0].userId',
      code: 'invalid_type',
      message: 'must be a string',
    });
    expect(errors).toContainEqual({ path: 'agents[0].skills', code: 'invalid_type', message: 'is required' });
  });

  it('splits unknown keys into one error per key on the key’s path', () => {
    const schema = z.strictObject({ a: z.string() });
    const result = schema.safeParse({ a: 'x', b: 1, 'c d': 2 });
    expect(zodIssuesToFieldErrors(result.error!.issues)).toEqual([
      { path: 'b', code: 'unrecognized_keys', message: 'unknown field "b"' },
      { path: '["c d"]', code: 'unrecognized_keys', message: 'unknown field "c d"' },
    ]);
  });

  it('uses the code our refinements attach to custom issues', () => {
    const result = SubmissionSchema.safeParse({
      agents: [
        {
          userId: 'a',
          skills: ['x', 'x'],
          availabilityWindow: { start: '09:00', end: '09:00', timezone: 'Mars/Olympus' },
          maxConcurrentCalls: 1,
        },
      ],
    });
    const codes = zodIssuesToFieldErrors(result.error!.issues).map(({ path, code }) => `${path} ${code}`);
    expect(codes).toEqual([
      'agents[0].skills[1] duplicate_item',
      'agents[0].availabilityWindow.timezone invalid_timezone',
      'agents[0].availabilityWindow.end empty_window',
    ]);
  });

  it('explains array size limits', () => {
    const result = SubmissionSchema.safeParse({ agents: [] });
    expect(zodIssuesToFieldErrors(result.error!.issues)).toEqual([
      { path: 'agents', code: 'too_small', message: 'must contain at least 1 item(s)' },
    ]);
  });
});

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

  it('builds the 422 for field errors', () => {
    const errors = [{ path: 'agents', code: 'too_small', message: 'm' }];
    expect(validationProblem(errors)).toMatchObject({ status: 422, detail: '1 validation error', errors });
  });
});
