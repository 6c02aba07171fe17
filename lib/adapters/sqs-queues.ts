import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DispatchMessage, WfmDeliveryMessage } from '../app/messages.ts';
import type { DispatchQueue, WfmEventQueue } from '../app/ports.ts';
import type { WfmEvent } from '../wfm/cloudevents.ts';
import { endpointsFor, type WfmEndpoint } from '../wfm/endpoints.ts';

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

/** One message per (event, subscribed endpoint): each endpoint's delivery then succeeds or retries on its own. */
export class SqsWfmEventQueue implements WfmEventQueue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;
  private readonly endpoints: readonly WfmEndpoint[];

  constructor(sqs: SQSClient, queueUrl: string, endpoints: readonly WfmEndpoint[]) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.endpoints = endpoints;
  }

  async sendAll(events: WfmEvent[]): Promise<void> {
    const messages: WfmDeliveryMessage[] = events.flatMap((event) =>
      endpointsFor(event.type, this.endpoints).map((endpoint) => ({ endpoint: endpoint.name, event })),
    );
    for (let start = 0; start < messages.length; start += SQS_BATCH_LIMIT) {
      const entries: SendMessageBatchRequestEntry[] = messages
        .slice(start, start + SQS_BATCH_LIMIT)
        .map((message, i) => ({ Id: String(i), MessageBody: JSON.stringify(message) }));
      const out = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      if (out.Failed && out.Failed.length > 0) {
        const codes = out.Failed.map((f) => f.Code).join(', ');
        throw new QueueSendError(`${out.Failed.length} WFM delivery message(s) were not queued (${codes})`);
      }
    }
  }
}
