import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';

/** A message no redelivery can make readable: it fails until SQS moves it to the DLQ. */
export class PoisonMessageError extends Error {
  readonly messageId: string;
  readonly reason: string;

  constructor(messageId: string, reason: string) {
    super(`SQS message ${messageId} is unreadable (${reason}); it will end in the DLQ`);
    this.name = 'PoisonMessageError';
    this.messageId = messageId;
    this.reason = reason;
  }
}

/**
 * The record's JSON body as `schema` reads it, or a PoisonMessageError whose reason is `not JSON` or the first
 * schema issue with its path (e.g. `assignmentId: Invalid input: expected string, received number`).
 */
export function parseRecordBody<S extends z.core.$ZodType>(
  record: Pick<SQSRecord, 'messageId' | 'body'>,
  schema: S,
): z.output<S> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError(record.messageId, 'not JSON');
  }
  // The functional form reads classic and zod/mini schemas alike.
  const parsed = z.safeParse(schema, body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new PoisonMessageError(record.messageId, `${path}${issue?.message ?? 'invalid'}`);
}
