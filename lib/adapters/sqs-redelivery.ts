// When a failed SQS record comes back: its visibility timeout is set to the chosen delay. On a FIFO queue the records
// of the failed record's message group that the batch skipped stay in flight too, and SQS holds the group until every
// one of them is back: they get the same delay, or the group would wait for the queue's full visibility timeout
// whatever the delay chosen for its head.
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { visibilityTimeoutSeconds } from '../retry/redelivery.ts';

type Redelivered = Pick<SQSRecord, 'messageId' | 'receiptHandle' | 'attributes'>;

/** Delays the redelivery of one received message (e.g. honouring a long Retry-After). */
export async function delayRedelivery(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: visibilityTimeoutSeconds(seconds),
    }),
  );
}

/** One per batch: remembers the delay chosen for each failed message group of that batch. */
export class SqsRedelivery {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;
  private readonly groupDelays = new Map<string, { messageId: string; seconds: number }>();

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /** Delays the failed record's redelivery by `seconds` and records that delay for its message group. */
  async delay(record: Redelivered, seconds: number): Promise<void> {
    const group = record.attributes.MessageGroupId;
    if (group !== undefined) this.groupDelays.set(group, { messageId: record.messageId, seconds });
    await delayRedelivery(this.sqs, this.queueUrl, record.receiptHandle, seconds);
  }

  /**
   * Gives each record reported failed without having been delayed itself (a record skipped behind its group's
   * failure) its group's delay. Returns the records whose delay could not be set; they come back after the queue's
   * visibility timeout instead.
   */
  async delaySkipped(
    records: readonly Redelivered[],
    failures: ReadonlyArray<{ itemIdentifier: string }>,
  ): Promise<Array<{ messageId: string; error: unknown }>> {
    const failed = new Set(failures.map((failure) => failure.itemIdentifier));
    const skipped = records.flatMap((record) => {
      const group = record.attributes.MessageGroupId;
      const delay = group === undefined ? undefined : this.groupDelays.get(group);
      return failed.has(record.messageId) && delay !== undefined && delay.messageId !== record.messageId
        ? [{ record, seconds: delay.seconds }]
        : [];
    });
    const outcomes = await Promise.all(
      skipped.map(({ record, seconds }) =>
        delayRedelivery(this.sqs, this.queueUrl, record.receiptHandle, seconds).then(
          () => undefined,
          (error: unknown) => ({ messageId: record.messageId, error }),
        ),
      ),
    );
    return outcomes.filter((outcome) => outcome !== undefined);
  }
}
