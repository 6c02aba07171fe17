// WFM delivery: fan-out (one event → one queue message per matching endpoint, so each endpoint's deliveries retry
// on their own and one endpoint's outage never holds back another's) and one attempt for one endpoint, with what
// follows it: done, wait on the retry schedule, give up (dead-letter), or disable the endpoint.
import { buildEndpointDisabledEvent, type WfmEvent } from '../wfm/cloudevents.ts';
import { endpointsFor, type WfmEndpoint } from '../wfm/endpoints.ts';
import type { DeliveryOutcome } from '../wfm/outcome.ts';
import { retryWaitSeconds } from '../wfm/retry-schedule.ts';
import type { Clock, WfmEventQueue } from './ports.ts';
import type {
  DeliveryAttempt,
  EndpointDeliveryMessage,
  EndpointRecord,
  StaticDeliveryMessage,
  WfmDeliveryMessage,
} from './webhook-model.ts';
import type {
  DeliveryLog,
  EndpointStore,
  EventLog,
  SecretSealer,
  WebhookObserver,
  WebhookSender,
  WfmDeliveryQueue,
} from './webhook-ports.ts';

/** Svix's rule: an endpoint whose every attempt failed for 5 days is disabled. */
export const DEFAULT_DISABLE_AFTER_SECONDS = 5 * 86_400;

export interface FanOutDeps {
  store: Pick<EndpointStore, 'subscriptions'>;
  events: Pick<EventLog, 'put'>;
  queue: WfmDeliveryQueue;
  /** The deploy parameter's endpoints (WFM_ENDPOINTS), signed with the stage's WFM secret. */
  staticEndpoints: readonly WfmEndpoint[];
}

/** Stores the event for replay and queues it once for every endpoint whose filter matches; returns how many. */
export async function fanOut(deps: FanOutDeps, event: WfmEvent): Promise<number> {
  return fanOutAll(deps, [event]);
}

/**
 * `fanOut` of the events one invocation received, together: each stored for replay, the subscriptions read once
 * and every delivery message queued in as few requests as the queue allows (SQS: ten a request), instead of one read
 * and one send per event. All or nothing for the caller: an error leaves every event to be fanned out again (the
 * replay items are idempotent puts; a delivery message queued twice is delivered twice with the same webhook-id).
 */
export async function fanOutAll(deps: FanOutDeps, events: readonly WfmEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  await Promise.all(events.map((event) => deps.events.put(event)));
  const enabled = (await deps.store.subscriptions()).filter((endpoint) => endpoint.enabled);
  const messages: WfmDeliveryMessage[] = events.flatMap((event) => [
    ...endpointsFor(event.type, deps.staticEndpoints).map((endpoint) => ({ endpoint: endpoint.name, event })),
    ...endpointsFor(event.type, enabled).map((endpoint) => ({ endpointId: endpoint.id, event })),
  ]);
  await deps.queue.send(messages);
  return messages.length;
}

export interface DeliverDeps {
  store: EndpointStore;
  deliveries: DeliveryLog;
  sealer: SecretSealer;
  sender: WebhookSender;
  /** Where endpoint.disabled goes: fanned out to the other endpoints like any event. */
  wfm: WfmEventQueue;
  staticEndpoints: ReadonlyMap<string, WfmEndpoint>;
  /** The stage's WFM signing secrets, current first (two while it rotates). */
  stageSecrets(): Promise<string[]>;
  observer: WebhookObserver;
  clock: Clock;
  /** Waits after each failed attempt (lib/wfm/retry-schedule.ts). */
  schedule: readonly number[];
  /** An endpoint failing every attempt this long is disabled. */
  disableAfterSeconds: number;
}

/**
 * What follows an attempt. `retry`: the message comes back after `waitSeconds`; `failed`: the delivery gave up and
 * the message goes to the dead-letter queue; `dropped`: no delivery is wanted any more (410, a deleted or disabled
 * endpoint, a filter that no longer matches).
 */
export type AttemptResult =
  | { kind: 'delivered' }
  | { kind: 'retry'; waitSeconds: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'dropped'; reason: string };

/** One attempt of a delivery message; `attempt` is its SQS receive count (1 on the first). */
export function deliverMessage(
  deps: DeliverDeps,
  message: WfmDeliveryMessage,
  attempt: number,
): Promise<AttemptResult> {
  return 'endpointId' in message
    ? deliverToEndpoint(deps, message, attempt)
    : deliverToStatic(deps, message, attempt);
}

async function deliverToStatic(
  deps: DeliverDeps,
  message: StaticDeliveryMessage,
  attempt: number,
): Promise<AttemptResult> {
  const endpoint = deps.staticEndpoints.get(message.endpoint);
  if (!endpoint) return { kind: 'failed', reason: `endpoint ${message.endpoint} is not configured` };
  const { event } = message;
  const outcome = await deps.sender.send(endpoint, event, await deps.stageSecrets());
  const base = {
    endpoint: endpoint.name,
    ...assignmentOf(event),
    eventId: event.id,
    eventType: event.type,
    attempt,
  };
  if (outcome.kind === 'delivered') {
    deps.observer.attempt({
      ...base,
      ...statusOf(outcome),
      outcome: 'delivered',
      durationMs: outcome.durationMs,
    });
    return { kind: 'delivered' };
  }
  if (outcome.kind === 'disabled') {
    // A deploy-parameter endpoint cannot be turned off from here: the event is dropped for it.
    deps.observer.attempt({ ...base, httpStatus: 410, outcome: 'dropped', durationMs: outcome.durationMs });
    return { kind: 'dropped', reason: 'the endpoint answered 410 Gone' };
  }
  const waitSeconds = retryWaitSeconds(attempt, deps.schedule, retryAfterOf(outcome));
  deps.observer.attempt({
    ...base,
    ...statusOf(outcome),
    outcome: waitSeconds === undefined ? 'failed' : 'pending',
    durationMs: outcome.durationMs,
    reason: outcome.reason,
    ...(waitSeconds === undefined ? {} : { waitSeconds }),
  });
  return waitSeconds === undefined
    ? { kind: 'failed', reason: `all ${attempt} attempts failed (last: ${outcome.reason})` }
    : { kind: 'retry', waitSeconds };
}

async function deliverToEndpoint(
  deps: DeliverDeps,
  message: EndpointDeliveryMessage,
  attempt: number,
): Promise<AttemptResult> {
  const { event } = message;
  const endpoint = await deps.store.get(message.endpointId);
  if (!endpoint) return { kind: 'dropped', reason: 'the endpoint was deleted' };
  if (!endpoint.enabled) {
    // Deliveries in flight when the service disabled a failing endpoint have failed (dead-letter); an endpoint
    // that answered 410 or that someone turned off wants none.
    return endpoint.disabledReason === 'failing'
      ? { kind: 'failed', reason: 'the endpoint was disabled after failing' }
      : { kind: 'dropped', reason: 'the endpoint is disabled' };
  }
  if (endpointsFor(event.type, [endpoint]).length === 0) {
    return { kind: 'dropped', reason: 'the endpoint no longer subscribes to this event type' };
  }

  const outcome = await deps.sender.send(
    { name: endpoint.id, url: endpoint.url },
    event,
    await secretsOf(deps, endpoint),
  );
  const now = deps.clock.now();
  const record = (entry: Pick<DeliveryAttempt, 'outcome'> & Partial<DeliveryAttempt>) =>
    recordAttempt(deps, endpoint.id, event, attempt, now, outcome, entry);

  if (outcome.kind === 'delivered') {
    await record({ outcome: 'delivered' });
    if (endpoint.failingSince !== undefined) await deps.store.clearFailing(endpoint.id);
    return { kind: 'delivered' };
  }
  if (outcome.kind === 'disabled') {
    await record({ outcome: 'failed', error: 'the endpoint answered 410 Gone' });
    await disable(deps, endpoint, 'gone', now, { httpStatus: 410 });
    return { kind: 'dropped', reason: 'the endpoint answered 410 Gone and was disabled' };
  }

  const failingSince = endpoint.failingSince === undefined ? now : new Date(endpoint.failingSince);
  if (endpoint.failingSince === undefined) await deps.store.markFailing(endpoint.id, now.toISOString());
  const failingForSeconds = (now.getTime() - failingSince.getTime()) / 1000;
  const waitSeconds = retryWaitSeconds(attempt, deps.schedule, retryAfterOf(outcome));
  if (failingForSeconds >= deps.disableAfterSeconds) {
    await record({ outcome: 'failed', error: outcome.reason });
    await disable(deps, endpoint, 'failing', now, { failingSince, ...statusOf(outcome) });
    return {
      kind: 'failed',
      reason: `every attempt failed since ${failingSince.toISOString()}; the endpoint was disabled`,
    };
  }
  if (waitSeconds === undefined) {
    await record({ outcome: 'failed', error: outcome.reason });
    return { kind: 'failed', reason: `all ${attempt} attempts failed (last: ${outcome.reason})` };
  }
  await record({
    outcome: 'pending',
    error: outcome.reason,
    nextAttemptAt: new Date(now.getTime() + waitSeconds * 1000).toISOString(),
  });
  return { kind: 'retry', waitSeconds };
}

/** The endpoint's secrets, current first; the one before the last rotation while its grace period lasts. */
async function secretsOf(deps: DeliverDeps, endpoint: EndpointRecord): Promise<string[]> {
  const current = await deps.sealer.open(endpoint.sealedSecret, endpoint.id);
  const rotating =
    endpoint.sealedPreviousSecret !== undefined &&
    endpoint.previousSecretExpiresAt !== undefined &&
    Date.parse(endpoint.previousSecretExpiresAt) > deps.clock.now().getTime();
  if (!rotating || endpoint.sealedPreviousSecret === undefined) return [current];
  return [current, await deps.sealer.open(endpoint.sealedPreviousSecret, endpoint.id)];
}

async function recordAttempt(
  deps: DeliverDeps,
  endpointId: string,
  event: WfmEvent,
  attempt: number,
  at: Date,
  outcome: DeliveryOutcome,
  entry: Pick<DeliveryAttempt, 'outcome'> & Partial<DeliveryAttempt>,
): Promise<void> {
  const durationMs = Math.max(0, Math.round(outcome.durationMs));
  const record: DeliveryAttempt = {
    eventId: event.id,
    eventType: event.type,
    attempt,
    at: at.toISOString(),
    ...statusOf(outcome),
    durationMs,
    ...entry,
  };
  await deps.deliveries.record(endpointId, record);
  deps.observer.attempt({
    endpoint: endpointId,
    ...assignmentOf(event),
    eventId: event.id,
    eventType: event.type,
    attempt,
    outcome: record.outcome,
    durationMs,
    ...(record.httpStatus === undefined ? {} : { httpStatus: record.httpStatus }),
    ...(record.error === undefined ? {} : { reason: record.error }),
    ...(record.nextAttemptAt === undefined
      ? {}
      : { waitSeconds: (Date.parse(record.nextAttemptAt) - at.getTime()) / 1000 }),
  });
}

/** Turns the endpoint off; the one delivery that does it writes the audit line and tells the other endpoints. */
async function disable(
  deps: DeliverDeps,
  endpoint: EndpointRecord,
  reason: 'gone' | 'failing',
  at: Date,
  details: { failingSince?: Date; httpStatus?: number },
): Promise<void> {
  if (!(await deps.store.disable(endpoint.id, reason, at.toISOString()))) return;
  deps.observer.audit({
    action: 'webhook_endpoint.disabled',
    endpoint: endpoint.id,
    reason,
    ...(details.failingSince ? { failingSince: details.failingSince.toISOString() } : {}),
    ...(details.httpStatus === undefined ? {} : { httpStatus: details.httpStatus }),
  });
  await deps.wfm.sendAll([
    buildEndpointDisabledEvent({
      endpointId: endpoint.id,
      description: endpoint.description,
      reason,
      disabledAt: at,
      ...details,
    }),
  ]);
}

function statusOf(outcome: DeliveryOutcome): { httpStatus?: number } {
  return 'status' in outcome && outcome.status !== undefined ? { httpStatus: outcome.status } : {};
}

function retryAfterOf(outcome: DeliveryOutcome): number | undefined {
  return outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
}

function assignmentOf(event: WfmEvent): { assignmentId?: string } {
  return event.data.assignmentId === undefined ? {} : { assignmentId: event.data.assignmentId };
}
