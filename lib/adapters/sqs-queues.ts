import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { CampaignDueMessage, CampaignDueQueue } from '../app/campaign-schedule.ts';
import type { DispatchMessage } from '../app/messages.ts';
import type { DispatchQueue, WfmEventQueue } from '../app/ports.ts';
import type { FanOutMessage, WfmDeliveryMessage } from '../app/webhook-model.ts';
import type { WfmDeliveryQueue } from '../app/webhook-ports.ts';
import type { WfmEvent } from '../wfm/cloudevents.ts';

export class QueueSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueSendError';
  }
}

/** FIFO: one message group per campaign keeps a campaign's changes in order; dedup by assignment id. */
export class SqsDispatchQueue implements DispatchQueue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  async send(message: DispatchMessage): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageGroupId: message.campaignId,
        MessageDeduplicationId: message.assignmentId,
      }),
    );
  }
}

const SQS_BATCH_LIMIT = 10;

/** Sends every body, ten per SendMessageBatch call; any entry SQS refuses fails the whole send. */
async function sendBatches(sqs: SQSClient, queueUrl: string, bodies: readonly string[], what: string) {
  for (let start = 0; start < bodies.length; start += SQS_BATCH_LIMIT) {
    const entries: SendMessageBatchRequestEntry[] = bodies
      .slice(start, start + SQS_BATCH_LIMIT)
      .map((body, i) => ({ Id: String(i), MessageBody: body }));
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (out.Failed && out.Failed.length > 0) {
      const codes = out.Failed.map((f) => f.Code).join(', ');
      throw new QueueSendError(`${out.Failed.length} ${what} message(s) were not queued (${codes})`);
    }
  }
}

/** Batches of the campaigns-due queue in flight at once: a tick with many campaigns due is not 1 call at a time. */
const DUE_BATCHES_IN_FLIGHT = 8;

/** The scheduler's fan-out: one message per due campaign on a standard queue, so each is handled on its own. */
export class SqsCampaignDueQueue implements CampaignDueQueue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  async sendAll(messages: readonly CampaignDueMessage[]): Promise<void> {
    const bodies = messages.map((m) => JSON.stringify(m));
    const chunk = SQS_BATCH_LIMIT * DUE_BATCHES_IN_FLIGHT;
    for (let start = 0; start < bodies.length; start += chunk) {
      const slice = bodies.slice(start, start + chunk);
      await Promise.all(
        Array.from({ length: Math.ceil(slice.length / SQS_BATCH_LIMIT) }, (_, i) =>
          sendBatches(
            this.sqs,
            this.queueUrl,
            slice.slice(i * SQS_BATCH_LIMIT, (i + 1) * SQS_BATCH_LIMIT),
            'campaign due',
          ),
        ),
      );
    }
  }
}

/**
 * The dispatcher's side of the WFM events queue: one fan-out message per event. The delivery function turns each
 * into one message per matching endpoint (lib/app/webhook-delivery.ts), so the dispatcher needs to know no endpoint.
 */
export class SqsWfmEventQueue implements WfmEventQueue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  async sendAll(events: WfmEvent[]): Promise<void> {
    const messages: FanOutMessage[] = events.map((event) => ({ event }));
    await sendBatches(
      this.sqs,
      this.queueUrl,
      messages.map((m) => JSON.stringify(m)),
      'WFM event',
    );
  }
}

/** One message per (event, endpoint) on the WFM events queue: each endpoint's delivery retries on its own. */
export class SqsWfmDeliveryQueue implements WfmDeliveryQueue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  async send(messages: readonly WfmDeliveryMessage[]): Promise<void> {
    await sendBatches(
      this.sqs,
      this.queueUrl,
      messages.map((m) => JSON.stringify(m)),
      'WFM delivery',
    );
  }
}

/**
 * Moves a delivery that gave up to the WFM dead-letter queue at once (its body unchanged, the reason as a message
 * attribute); the source queue's maxReceiveCount stays the backstop for messages whose handler keeps failing.
 */
export class SqsDeadLetterQueue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  async send(body: string, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1024) } },
      }),
    );
  }
}
