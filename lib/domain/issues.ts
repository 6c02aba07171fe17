// Zod issues as the domain's plain validation issues `{ path, code, message }`: readable paths and messages, and the
// codes our refinements attach (schemas.ts, validate.ts).

import type { ValidationIssue } from './types.ts';
import type * as z from './zod.ts';

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

/** The validation issue code of a zod issue: zod's code, or the `params.code` our refinements attach to custom issues. */
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
 * Zod issues → validation issues. An `unrecognized_keys` issue becomes one issue per unknown key, on the key's own
 * path (`agents[0].foo`).
 */
export function toValidationIssues(issues: readonly Issue[]): ValidationIssue[] {
  const errors: ValidationIssue[] = [];
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
