// Lambda's SQS event source mapping, locally: long-poll the queue, hand the batch to the handler as a real
// SQSEvent, delete what succeeded, leave failures to come back after their visibility timeout. Moving a message
// to the DLQ after maxReceiveCount receives is the queue's redrive policy, which moto applies itself.
// Test fault: `duplicateDeliveryRate` redelivers some handled messages once more (see startSqsPoller).
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { Invocation } from './lambda-runtime.ts';

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  functionName: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  /** Batches in flight at once; Lambda's default here is one. */
  concurrency?: number;
  waitTimeSeconds?: number;
  /**
   * Local-only fault, 0 (default) … 1: the probability that a message the handler succeeded with is not deleted
   * but made visible again at once, so the queue delivers it a second time (new receipt handle, receive count + 1),
   * as when Lambda's delete is lost after the function succeeded. At most one extra delivery per message.
   */
  duplicateDeliveryRate?: number;
  /** Draws for `duplicateDeliveryRate`; [0, 1) like Math.random (the default). */
  random?: () => number;
  invoke(event: SQSEvent): Promise<Invocation>;
  log?: (line: string) => void;
}

export interface SqsPollerStats {
  batches: number;
  records: number;
  failedRecords: number;
  /** Handled messages left on the queue by `duplicateDeliveryRate` for a second delivery. */
  redeliveredRecords: number;
}

export class InvalidFaultRateError extends RangeError {
  override name = 'InvalidFaultRateError';
}

/** A probability in [0, 1], or an InvalidFaultRateError naming the option. */
export function checkRate(name: string, rate: number): number {
  if (!(Number.isFinite(rate) && rate >= 0 && rate <= 1)) {
    throw new InvalidFaultRateError(`${name} must be a number in [0, 1], got ${rate}`);
  }
  return rate;
}

export interface SqsPoller {
  stats: SqsPollerStats;
  /** Changes the `duplicateDeliveryRate` fault while running (0 turns it off). */
  setDuplicateDeliveryRate(rate: number): void;
  /** Finishes the batches in flight, then stops polling. */
  stop(): Promise<void>;
}

const SQS_BATCH_LIMIT = 10;

function base64(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('base64');
}

/** One received message as Lambda hands it to the function. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && { binaryValue: base64(value.BinaryValue) }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => base64(item) as string),
      dataType: value.DataType as string,
    };
  }
  const attributes = message.Attributes ?? {};
  const record: SQSRecord = {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.SequenceNumber !== undefined && { SequenceNumber: attributes.SequenceNumber }),
      ...(attributes.MessageGroupId !== undefined && { MessageGroupId: attributes.MessageGroupId }),
      ...(attributes.MessageDeduplicationId !== undefined && {
        MessageDeduplicationId: attributes.MessageDeduplicationId,
      }),
      ...(attributes.AWSTraceHeader !== undefined && { AWSTraceHeader: attributes.AWSTraceHeader }),
      ...(attributes.DeadLetterQueueSourceArn !== undefined && {
        DeadLetterQueueSourceArn: attributes.DeadLetterQueueSourceArn,
      }),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/**
 * The messageIds that failed, by Lambda's rules for a partial batch response: a missing or empty
 * `batchItemFailures` is full success; a malformed response or an identifier that is not in the batch fails
 * the whole batch.
 */
export function failedMessageIds(result: unknown, batchIds: string[]): Set<string> {
  const all = new Set(batchIds);
  if (result === undefined || result === null) return new Set();
  if (typeof result !== 'object') return all;
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/**
 * FIFO work-around for moto (checked with moto 5.2.5): when several messages of one group become visible again
 * together, moto delivers the last one first. Real SQS redelivers a group in order. So, of each group's failed
 * messages, only the first keeps its visibility timeout; the later ones are made visible at once, which moto
 * holds back (their group is still in flight) until the first comes back, then delivers all in order. Their
 * receive counts are unaffected.
 */
export function messagesToReleaseEarly(failed: SQSRecord[]): SQSRecord[] {
  const seenGroups = new Set<string>();
  const release: SQSRecord[] = [];
  for (const record of failed) {
    const group = record.attributes.MessageGroupId;
    if (group === undefined) continue;
    if (seenGroups.has(group)) release.push(record);
    else seenGroups.add(group);
  }
  return release;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const log = options.log ?? (() => {});
  const fifo = options.queueArn.endsWith('.fifo');
  const stats: SqsPollerStats = { batches: 0, records: 0, failedRecords: 0, redeliveredRecords: 0 };
  const random = options.random ?? Math.random;
  let duplicateDeliveryRate = checkRate('duplicateDeliveryRate', options.duplicateDeliveryRate ?? 0);
  /** messageIds already left for a second delivery: a message is duplicated at most once. */
  const redelivered = new Set<string>();
  let stopping = false;
  let lastError = '';
  // moto (5.2.5) takes its snapshot of in-flight FIFO groups when a long poll starts, so two concurrent long
  // polls can hand out one group twice. Receiving one at a time per FIFO queue keeps the snapshot true; the
  // batches are still processed concurrently.
  let receiving: Promise<unknown> = Promise.resolve();
  const receive = (command: ReceiveMessageCommand) => {
    if (!fifo) return options.sqs.send(command);
    const result = receiving.then(() => options.sqs.send(command));
    receiving = result.catch(() => {});
    return result;
  };

  async function processBatch(messages: Message[]): Promise<void> {
    const records = messages.map((message) => toSqsRecord(message, options.queueArn, options.region));
    const invocation = await options.invoke({ Records: records });
    const ids = records.map((record) => record.messageId);
    let failed: Set<string>;
    if (!invocation.ok) {
      failed = new Set(ids);
      log(`${options.functionName}: batch of ${ids.length} failed: ${invocation.error.message}`);
    } else {
      failed = options.reportBatchItemFailures ? failedMessageIds(invocation.value, ids) : new Set();
    }
    stats.batches += 1;
    stats.records += records.length;
    stats.failedRecords += failed.size;

    const handled = records.filter((record) => !failed.has(record.messageId));
    const again = handled.filter(
      (record) =>
        duplicateDeliveryRate > 0 && !redelivered.has(record.messageId) && random() < duplicateDeliveryRate,
    );
    for (const record of again) redelivered.add(record.messageId);
    stats.redeliveredRecords += again.length;
    const succeeded = handled.filter((record) => !again.includes(record));
    for (const part of chunks(succeeded, SQS_BATCH_LIMIT)) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: part.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    const releaseNow = [
      ...(fifo ? messagesToReleaseEarly(records.filter((record) => failed.has(record.messageId))) : []),
      ...again,
    ];
    for (const part of chunks(releaseNow, SQS_BATCH_LIMIT)) {
      await options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: part.map((record, i) => ({
            Id: String(i),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
    if (failed.size > 0 && invocation.ok) {
      log(
        `${options.functionName}: ${failed.size} of ${ids.length} message(s) failed; they return after their visibility timeout`,
      );
    }
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        const { Messages } = await receive(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(options.batchSize, SQS_BATCH_LIMIT),
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        lastError = '';
        // A batch received while stopping is still processed: it is in flight and would otherwise sit out
        // its visibility timeout.
        if (Messages && Messages.length > 0) await processBatch(Messages);
      } catch (error) {
        const message = (error as Error).message;
        if (message !== lastError && !stopping) log(`${options.functionName}: polling failed: ${message}`);
        lastError = message;
        if (!stopping) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  const loops = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => loop());
  return {
    stats,
    setDuplicateDeliveryRate: (rate) => {
      duplicateDeliveryRate = checkRate('duplicateDeliveryRate', rate);
    },
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
