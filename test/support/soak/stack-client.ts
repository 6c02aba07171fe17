// What the soak reads and steers on the local stack, over HTTP and the moto SQS API only: the public API, the CXone
// sandbox's and the WFM receiver's test routes, and the queues' attributes and DLQ contents.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../../infra/local/stack.ts';
import type { AssignmentView } from '../../../lib/app/api-schemas.ts';

export class SoakHttpError extends Error {
  override name = 'SoakHttpError';
}

export interface SandboxRequest {
  at: string;
  method: string;
  path: string;
  status: number;
  correlationId: string | null;
  fault: string | null;
}

export interface SandboxMember {
  agentId: number;
  userId: string;
  isActive: boolean;
  proficiency: number;
}

export interface ReceivedWebhook {
  receivedAt: string;
  headers: Record<string, string>;
  body: string;
  signatureValid: boolean;
  accepted: boolean;
  status: number;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

const SUBMIT_ATTEMPTS = 10;

export class SoakStackClient {
  readonly stack: LocalStack;
  readonly sqs: SQSClient;
  /** PUTs answered 5xx or 409 and sent again with the same Idempotency-Key. */
  submitRetries = 0;

  constructor(stack: LocalStack) {
    this.stack = stack;
    this.sqs = new SQSClient({
      endpoint: stack.motoUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  close(): void {
    this.sqs.destroy();
  }

  private async json<T>(url: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(url, init);
    const text = await response.text();
    if (!response.ok) throw new SoakHttpError(`${init.method ?? 'GET'} ${url} → ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.stack.apiUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${this.stack.apiToken}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  }

  /**
   * PUT a desired state with an Idempotency-Key, as a careful caller does: a 5xx ("safe to retry") or a 409 (the
   * same key still in flight) is retried with the same key, so a retry can never become a second desired state.
   * Answers the assignmentId of the 202 (or of the 200 replay); throws on anything else.
   */
  async submit(campaignId: string, body: unknown, idempotencyKey: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.api(`/campaigns/${campaignId}/agents`, {
        method: 'PUT',
        headers: { 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status === 202 || response.status === 200) {
        return (JSON.parse(text) as { assignmentId: string }).assignmentId;
      }
      const retryable = response.status >= 500 || response.status === 409;
      if (!retryable || attempt >= SUBMIT_ATTEMPTS) {
        throw new SoakHttpError(`PUT /campaigns/${campaignId}/agents → ${response.status} ${text}`);
      }
      this.submitRetries += 1;
      await sleep(250 * attempt);
    }
  }

  async assignment(assignmentId: string): Promise<AssignmentView> {
    const response = await this.api(`/assignments/${assignmentId}`);
    const text = await response.text();
    if (response.status !== 200) {
      throw new SoakHttpError(`GET /assignments/${assignmentId} → ${response.status} ${text}`);
    }
    return JSON.parse(text) as AssignmentView;
  }

  setCxoneFaults(faults: Record<string, unknown>): Promise<unknown> {
    return this.json(`${this.stack.cxoneUrl}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
  }

  async clearCxoneFaults(): Promise<void> {
    await this.json(`${this.stack.cxoneUrl}/sandbox/faults`, { method: 'DELETE' });
  }

  setWfmFaults(faults: Record<string, unknown>): Promise<unknown> {
    return this.json(`${this.stack.wfmUrl}/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
  }

  async clearWfmFaults(): Promise<void> {
    await this.json(`${this.stack.wfmUrl}/faults`, { method: 'DELETE' });
  }

  cxoneRequests(): Promise<SandboxRequest[]> {
    return this.json(`${this.stack.cxoneUrl}/sandbox/requests`);
  }

  async cxoneState(): Promise<Record<string, SandboxMember[]>> {
    return (
      await this.json<{ skills: Record<string, SandboxMember[]> }>(`${this.stack.cxoneUrl}/sandbox/state`)
    ).skills;
  }

  webhooks(): Promise<ReceivedWebhook[]> {
    return this.json(`${this.stack.wfmUrl}/received`);
  }

  private queueUrl(logicalId: string): string {
    const queue = this.stack.queues[logicalId];
    if (!queue) throw new SoakHttpError(`the stack has no queue ${logicalId}`);
    return queue.url;
  }

  async depth(logicalId: string): Promise<QueueDepth> {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl(logicalId),
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  /**
   * Every message body of a DLQ. Read at the end of the soak by receiving and deleting: a FIFO queue hands out no
   * further message of a group while one is in flight, so peeking alone cannot list two failures of one campaign.
   */
  async drainDlq(logicalId: string): Promise<string[]> {
    const url = this.queueUrl(logicalId);
    const bodies: string[] = [];
    for (let emptyReceives = 0; emptyReceives < 2; ) {
      const { Messages } = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (!Messages || Messages.length === 0) {
        emptyReceives += 1;
        continue;
      }
      bodies.push(...Messages.map((m) => m.Body ?? ''));
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
    return bodies;
  }
}

/** Runs `work` over `items` with at most `limit` in flight, results in input order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
