// The schema of an RFC 9457 problem document, for the OpenAPI document and the tests; the handlers build problems
// with problem.ts and never load this module.
import { ValidationIssueSchema } from '../domain/schemas.ts';
import * as z from '../domain/zod.ts';

/** A validation issue of the domain, as the `errors` entries of a 422 problem. */
export const FieldErrorSchema = z.withMeta(ValidationIssueSchema, {
  id: 'FieldError',
  description: 'One validation error; all errors are reported at once.',
});

export const ProblemDetailsSchema = z
  .strictObject({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.optional(z.array(FieldErrorSchema)),
  })
  .register(z.globalRegistry, {
    id: 'ProblemDetails',
    description: 'RFC 9457 problem details (`application/problem+json`).',
    examples: [
      {
        type: 'https://cxone-assignments.dev/problems/validation-failed',
        title: 'Validation failed',
        status: 422,
        detail: '1 validation error',
        errors: [
          {
            path: 'agents[0].availabilityWindow.timezone',
            code: 'timezone_not_allowed',
            message: 'Europe/Paris is not an allowed agent time zone of this campaign',
          },
        ],
      },
    ],
  });
export type ProblemDetails = z.infer<typeof ProblemDetailsSchema>;
