import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PoisonMessageError, parseRecordBody } from '../../../lib/runtime/sqs-records.ts';

const Schema = z.object({ assignmentId: z.string(), event: z.object({ id: z.string() }) });
const record = (body: string) => ({ messageId: 'msg-1', body });

function reasonFor(body: string): string | undefined {
  try {
    parseRecordBody(record(body), Schema);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(PoisonMessageError);
    expect((error as PoisonMessageError).messageId).toBe('msg-1');
    return (error as PoisonMessageError).reason;
  }
}

describe('parseRecordBody', () => {
  it('returns the typed body', () => {
    expect(parseRecordBody(record('{"assignmentId":"a","event":{"id":"e"},"extra":1}'), Schema)).toEqual({
      assignmentId: 'a',
      event: { id: 'e' },
    });
  });

  it.each(['not json {', '', '{"assignmentId":'])('calls %j a poison message that is not JSON', (body) => {
    expect(reasonFor(body)).toBe('not JSON');
  });

  it('names the first schema issue with its path', () => {
    expect(reasonFor('{"assignmentId":42,"event":{"id":"e"}}')).toMatch(/^assignmentId: .*string/);
    expect(reasonFor('{"assignmentId":"a","event":{}}')).toMatch(/^event\.id: /);
    expect(reasonFor('[]')).not.toMatch(/^:/);
  });

  it('says which message and why in the error message', () => {
    expect(() => parseRecordBody(record('nope'), Schema)).toThrow(
      'SQS message msg-1 is unreadable (not JSON); it will end in the DLQ',
    );
  });
});
