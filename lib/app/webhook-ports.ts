// The ports of the webhook-endpoint use cases (webhook-endpoints.ts) and of WFM delivery (webhook-delivery.ts).
// The adapters in lib/adapters implement them; the handlers wire them in.
import type { ValidationIssue } from '../domain/types.ts';
import type { WfmEvent } from '../wfm/cloudevents.ts';
import type { DeliveryOutcome } from '../wfm/outcome.ts';
import type { Page, PageRequest } from './paging.ts';
import type {
  DeliveryAttempt,
  DisabledReason,
  EndpointRecord,
  EndpointSubscription,
  WfmDeliveryMessage,
} from './webhook-model.ts';

export { InvalidCursorError } from './paging.ts';
export type { Page, PageRequest };

/** The fields an update sets; `undefined` leaves a field as it is, `null` removes it. */
export type EndpointChanges = { [K in keyof EndpointRecord]?: EndpointRecord[K] | null };

/** The API-created endpoints (DynamoDB when deployed). */
export interface EndpointStore {
  create(record: EndpointRecord): Promise<void>;
  get(id: string): Promise<EndpointRecord | undefined>;
  /** Oldest first. */
  list(page: PageRequest): Promise<Page<EndpointRecord>>;
  /** Every endpoint's filter and state, for fan-out. */
  subscriptions(): Promise<EndpointSubscription[]>;
  /** Applies the changes to an existing endpoint; the record after them, or undefined when there is none. */
  update(id: string, changes: EndpointChanges): Promise<EndpointRecord | undefined>;
  /** False when there was no such endpoint. */
  delete(id: string): Promise<boolean>;
  /** Sets failingSince unless it is already set (the first failure after a success wins). */
  markFailing(id: string, since: string): Promise<void>;
  clearFailing(id: string): Promise<void>;
  /** Turns an enabled endpoint off; false when it was off already or is gone (someone else disabled it first). */
  disable(id: string, reason: DisabledReason, at: string): Promise<boolean>;
}

/** Every attempt to every API-created endpoint, kept for the retention period. */
export interface DeliveryLog {
  record(endpointId: string, attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. */
  list(endpointId: string, page: PageRequest): Promise<Page<DeliveryAttempt>>;
}

/** Every event that was fanned out, kept for the retention period so it can be replayed. */
export interface EventLog {
  put(event: WfmEvent): Promise<void>;
  /** Events with since <= time < until, oldest first, at most `max` of them. */
  between(since: Date, until: Date, max: number): Promise<WfmEvent[]>;
}

/** Encrypts endpoint signing secrets for storage; the endpoint id is bound to the ciphertext. */
export interface SecretSealer {
  seal(secret: string, endpointId: string): Promise<string>;
  open(sealed: string, endpointId: string): Promise<string>;
}

/** The webhook URL policy (scheme, credentials, the addresses the host resolves to), as a validation issue. */
export interface UrlChecker {
  check(url: string): Promise<ValidationIssue | undefined>;
}

/** Queues one message per (event, endpoint) on the WFM events queue. */
export interface WfmDeliveryQueue {
  send(messages: readonly WfmDeliveryMessage[]): Promise<void>;
}

export interface WebhookTarget {
  /** Names the endpoint in logs: the deploy parameter's name or the endpoint id (never the URL). */
  name: string;
  url: string;
}

/** One signed POST (lib/wfm/deliver.ts). */
export interface WebhookSender {
  send(target: WebhookTarget, event: WfmEvent, secrets: readonly string[]): Promise<DeliveryOutcome>;
}

export interface WebhookAuditEntry {
  action: string;
  endpoint: string;
  reason?: string;
  [detail: string]: unknown;
}

/** One log line (and metric) per attempt, and audit lines for what changes an endpoint. */
export interface WebhookObserver {
  attempt(entry: {
    endpoint: string;
    /** The event's assignment, when it has one (joins the attempt to the assignment's audit trail). */
    assignmentId?: string;
    eventId: string;
    eventType: string;
    attempt: number;
    outcome: DeliveryAttempt['outcome'] | 'dropped';
    httpStatus?: number;
    durationMs: number;
    waitSeconds?: number;
    reason?: string;
  }): void;
  audit(entry: WebhookAuditEntry): void;
}
