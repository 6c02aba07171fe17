// In-memory implementations of the webhook ports (lib/app/webhook-ports.ts) for the use-case tests: they keep what
// a real store would, in the order a real store answers, so a test reads outcomes rather than calls.

import type {
  DeliveryAttempt,
  DisabledReason,
  EndpointRecord,
  EndpointSubscription,
  WfmDeliveryMessage,
} from '../../lib/app/webhook-model.ts';
import {
  type DeliveryLog,
  type EndpointChanges,
  type EndpointStore,
  type EventLog,
  InvalidCursorError,
  type Page,
  type PageRequest,
  type SecretSealer,
  type UrlChecker,
  type WebhookObserver,
  type WebhookSender,
  type WebhookTarget,
  type WfmDeliveryQueue,
} from '../../lib/app/webhook-ports.ts';
import type { ValidationIssue } from '../../lib/domain/types.ts';
import type { WfmEvent } from '../../lib/wfm/cloudevents.ts';
import type { DeliveryOutcome } from '../../lib/wfm/outcome.ts';

function paged<T>(all: T[], page: PageRequest): Page<T> {
  const start = page.cursor === undefined ? 0 : Number(page.cursor.replace(/^c/, ''));
  if (!Number.isInteger(start) || start < 0 || (page.cursor !== undefined && !page.cursor.startsWith('c'))) {
    throw new InvalidCursorError();
  }
  const items = all.slice(start, start + page.limit);
  const next = start + page.limit;
  return { items, ...(next < all.length ? { nextCursor: `c${next}` } : {}) };
}

export class InMemoryEndpointStore implements EndpointStore {
  readonly records = new Map<string, EndpointRecord>();

  async create(record: EndpointRecord): Promise<void> {
    if (this.records.has(record.id)) throw new Error(`endpoint ${record.id} exists`);
    this.records.set(record.id, structuredClone(record));
  }

  async get(id: string): Promise<EndpointRecord | undefined> {
    const record = this.records.get(id);
    return record && structuredClone(record);
  }

  async list(page: PageRequest): Promise<Page<EndpointRecord>> {
    const sorted = [...this.records.values()].sort((a, b) => a.id.localeCompare(b.id));
    return paged(structuredClone(sorted), page);
  }

  async subscriptions(): Promise<EndpointSubscription[]> {
    return [...this.records.values()].map(({ id, enabled, eventTypes }) => ({ id, enabled, eventTypes }));
  }

  async update(id: string, changes: EndpointChanges): Promise<EndpointRecord | undefined> {
    const record = this.records.get(id);
    if (!record) return undefined;
    const next: Record<string, unknown> = { ...record };
    for (const [field, value] of Object.entries(changes)) {
      if (value === null) delete next[field];
      else if (value !== undefined) next[field] = value;
    }
    this.records.set(id, next as EndpointRecord);
    return structuredClone(next as EndpointRecord);
  }

  async delete(id: string): Promise<boolean> {
    return this.records.delete(id);
  }

  async markFailing(id: string, since: string): Promise<void> {
    const record = this.records.get(id);
    if (record && record.failingSince === undefined) record.failingSince = since;
  }

  async clearFailing(id: string): Promise<void> {
    const record = this.records.get(id);
    if (record) delete record.failingSince;
  }

  async disable(id: string, reason: DisabledReason, at: string): Promise<boolean> {
    const record = this.records.get(id);
    if (!record?.enabled) return false;
    Object.assign(record, { enabled: false, disabledReason: reason, disabledAt: at, updatedAt: at });
    return true;
  }
}

export class InMemoryDeliveryLog implements DeliveryLog {
  readonly attempts = new Map<string, DeliveryAttempt[]>();

  async record(endpointId: string, attempt: DeliveryAttempt): Promise<void> {
    this.attempts.set(endpointId, [...(this.attempts.get(endpointId) ?? []), structuredClone(attempt)]);
  }

  async list(endpointId: string, page: PageRequest): Promise<Page<DeliveryAttempt>> {
    return paged([...(this.attempts.get(endpointId) ?? [])].reverse(), page);
  }

  of(endpointId: string): DeliveryAttempt[] {
    return this.attempts.get(endpointId) ?? [];
  }
}

export class InMemoryEventLog implements EventLog {
  readonly events = new Map<string, WfmEvent>();

  async put(event: WfmEvent): Promise<void> {
    this.events.set(`${event.time}#${event.id}`, structuredClone(event));
  }

  async between(since: Date, until: Date, max: number): Promise<WfmEvent[]> {
    return [...this.events.values()]
      .filter(
        (event) => Date.parse(event.time) >= since.getTime() && Date.parse(event.time) < until.getTime(),
      )
      .sort((a, b) => a.time.localeCompare(b.time))
      .slice(0, max);
  }
}

/** Reversible "encryption" bound to the endpoint id, like the KMS encryption context. */
export class FakeSealer implements SecretSealer {
  opened = 0;

  async seal(secret: string, endpointId: string): Promise<string> {
    return `sealed:${endpointId}:${Buffer.from(secret).toString('base64')}`;
  }

  async open(sealed: string, endpointId: string): Promise<string> {
    const [tag, id, payload] = sealed.split(':');
    if (tag !== 'sealed' || id !== endpointId) throw new Error('sealed for another endpoint');
    this.opened += 1;
    return Buffer.from(payload ?? '', 'base64').toString();
  }
}

export class StubUrlChecker implements UrlChecker {
  readonly checked: string[] = [];
  refuse = new Map<string, ValidationIssue>();

  async check(url: string): Promise<ValidationIssue | undefined> {
    this.checked.push(url);
    return this.refuse.get(url);
  }
}

export class RecordingDeliveryQueue implements WfmDeliveryQueue {
  readonly messages: WfmDeliveryMessage[] = [];

  async send(messages: readonly WfmDeliveryMessage[]): Promise<void> {
    this.messages.push(...structuredClone(messages));
  }
}

/** Answers each send with the next scripted outcome (the last one repeats) and records what was sent. */
export class ScriptedSender implements WebhookSender {
  readonly sent: { target: WebhookTarget; event: WfmEvent; secrets: string[] }[] = [];
  private readonly outcomes: DeliveryOutcome[];

  constructor(...outcomes: DeliveryOutcome[]) {
    this.outcomes = outcomes.length > 0 ? outcomes : [{ kind: 'delivered', status: 204, durationMs: 12 }];
  }

  script(...outcomes: DeliveryOutcome[]): void {
    this.outcomes.splice(0, this.outcomes.length, ...outcomes);
  }

  async send(target: WebhookTarget, event: WfmEvent, secrets: readonly string[]): Promise<DeliveryOutcome> {
    this.sent.push({ target, event, secrets: [...secrets] });
    return (this.outcomes.length > 1 ? this.outcomes.shift() : this.outcomes[0]) as DeliveryOutcome;
  }
}

export class RecordingWebhookObserver implements WebhookObserver {
  readonly attempts: Parameters<WebhookObserver['attempt']>[0][] = [];
  readonly audits: Parameters<WebhookObserver['audit']>[0][] = [];

  attempt(entry: Parameters<WebhookObserver['attempt']>[0]): void {
    this.attempts.push(entry);
  }

  audit(entry: Parameters<WebhookObserver['audit']>[0]): void {
    this.audits.push(entry);
  }
}
