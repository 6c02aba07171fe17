import { describe, expect, it } from 'vitest';
import { formatIssuePath, toValidationIssues } from '../../../lib/domain/issues.ts';
import { SubmissionSchema } from '../../../lib/domain/schemas.ts';
import * as z from '../../../lib/domain/zod.ts';

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

describe('toValidationIssues', () => {
  it('keeps zod’s code and path for each issue', () => {
    const result = SubmissionSchema.safeParse({ agents: [{ userId: 7 }] });
    expect(result.success).toBe(false);
    const errors = toValidationIssues(result.error!.issues);
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
    expect(toValidationIssues(result.error!.issues)).toEqual([
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
    const codes = toValidationIssues(result.error!.issues).map(({ path, code }) => `${path} ${code}`);
    expect(codes).toEqual([
      'agents[0].skills[1] duplicate_item',
      'agents[0].availabilityWindow.timezone invalid_timezone',
      'agents[0].availabilityWindow.end empty_window',
    ]);
  });

  it('explains array size limits', () => {
    const result = SubmissionSchema.safeParse({ agents: [] });
    expect(toValidationIssues(result.error!.issues)).toEqual([
      { path: 'agents', code: 'too_small', message: 'must contain at least 1 item(s)' },
    ]);
  });
});
