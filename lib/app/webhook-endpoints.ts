// The webhook-endpoint API's use cases: create (the secret is shown once), list, get, patch, delete, rotate the
// secret with a grace period, list delivery attempts, replay a time window. Each returns a typed outcome that the
// handlers map to HTTP.
import { randomBytes } from 'node:crypto';
import { toValidationIssues } from '../domain/issues.ts';
import type { ValidationIssue } from '../domain/types.ts';
import { EndpointUrlSchema, endpointsFor } from '../wfm/endpoints.ts';
import type { Clock } from './ports.ts';
import {
  CreateEndpointBodySchema,
  DEFAULT_GRACE_PERIOD_SECONDS,
  type DeliveryAttempt,
  type EndpointCreated,
  type EndpointRecord,
  type EndpointView,
  endpointView,
  PatchEndpointBodySchema,
  ReplayBodySchema,
  type RotatedSecret,
  RotateSecretBodySchema,
  WebhookEndpointIdSchema,
} from './webhook-model.ts';
import type {
  DeliveryLog,
  EndpointChanges,
  EndpointStore,
  EventLog,
  Page,
  PageRequest,
  SecretSealer,
  UrlChecker,
  WfmDeliveryQueue,
} from './webhook-ports.ts';

export interface EndpointAdminDeps {
  store: EndpointStore;
  sealer: SecretSealer;
  urls: UrlChecker;
  clock: Clock;
  /** Random bytes (node:crypto's by default; injected in tests). */
  random?: (size: number) => Buffer;
}

export interface ReplayDeps {
  store: EndpointStore;
  events: EventLog;
  queue: WfmDeliveryQueue;
  clock: Clock;
  /** Events older than this are gone from the event log. */
  retentionDays: number;
}

/** A replay re-sends at most this many events; a larger window must be replayed in parts. */
export const MAX_REPLAY_EVENTS = 10_000;
export {
  type BadQuery,
  DEFAULT_PAGE_LIMIT,
  isBadQuery,
  MAX_PAGE_LIMIT,
  parsePageQuery,
} from './paging.ts';

const SECRET_BYTES = 32;

export type NotFound = { kind: 'not_found' };
export type Invalid = { kind: 'invalid'; issues: ValidationIssue[] };

const NOT_FOUND: NotFound = { kind: 'not_found' };

export async function createEndpoint(
  deps: EndpointAdminDeps,
  body: unknown,
): Promise<{ kind: 'created'; endpoint: EndpointCreated } | Invalid> {
  const parsed = CreateEndpointBodySchema.safeParse(body);
  const issues = await bodyIssues(deps, parsed, body);
  if (!parsed.success || issues.length > 0) return { kind: 'invalid', issues };

  const now = deps.clock.now();
  const random = deps.random ?? randomBytes;
  const id = newEndpointId(now, random);
  const secret = newSecret(random);
  const at = now.toISOString();
  const enabled = parsed.data.enabled ?? true;
  const record: EndpointRecord = {
    id,
    url: parsed.data.url,
    description: parsed.data.description ?? '',
    eventTypes: unique(parsed.data.eventTypes ?? ['*']),
    enabled,
    createdAt: at,
    updatedAt: at,
    sealedSecret: await deps.sealer.seal(secret, id),
    ...(enabled ? {} : { disabledReason: 'manual' as const, disabledAt: at }),
  };
  await deps.store.create(record);
  return { kind: 'created', endpoint: { ...endpointView(record, now), secret } };
}

export async function listEndpoints(
  deps: Pick<EndpointAdminDeps, 'store' | 'clock'>,
  page: PageRequest,
): Promise<Page<EndpointView>> {
  const now = deps.clock.now();
  const records = await deps.store.list(page);
  return { ...records, items: records.items.map((record) => endpointView(record, now)) };
}

export async function getEndpoint(
  deps: Pick<EndpointAdminDeps, 'store' | 'clock'>,
  id: string,
): Promise<{ kind: 'found'; endpoint: EndpointView } | NotFound> {
  const record = await findEndpoint(deps.store, id);
  return record ? { kind: 'found', endpoint: endpointView(record, deps.clock.now()) } : NOT_FOUND;
}

export async function patchEndpoint(
  deps: EndpointAdminDeps,
  id: string,
  body: unknown,
): Promise<{ kind: 'updated'; endpoint: EndpointView } | NotFound | Invalid> {
  const existing = await findEndpoint(deps.store, id);
  if (!existing) return NOT_FOUND;
  const parsed = PatchEndpointBodySchema.safeParse(body);
  const issues = await bodyIssues(deps, parsed, body);
  if (!parsed.success || issues.length > 0) return { kind: 'invalid', issues };

  const now = deps.clock.now();
  const at = now.toISOString();
  const { enabled, eventTypes, ...rest } = parsed.data;
  const changes: EndpointChanges = {
    ...rest,
    ...(eventTypes === undefined ? {} : { eventTypes: unique(eventTypes) }),
    updatedAt: at,
  };
  if (enabled === true && !existing.enabled) {
    // Turned back on: the failure clock starts again.
    Object.assign(changes, { enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
  } else if (enabled === false && existing.enabled) {
    Object.assign(changes, { enabled: false, disabledReason: 'manual', disabledAt: at });
  }
  const updated = await deps.store.update(existing.id, changes);
  return updated ? { kind: 'updated', endpoint: endpointView(updated, now) } : NOT_FOUND;
}

export async function deleteEndpoint(
  deps: Pick<EndpointAdminDeps, 'store'>,
  id: string,
): Promise<{ kind: 'deleted' } | NotFound> {
  if (!WebhookEndpointIdSchema.safeParse(id).success) return NOT_FOUND;
  return (await deps.store.delete(id)) ? { kind: 'deleted' } : NOT_FOUND;
}

/**
 * A new secret. For `gracePeriodSeconds` (default 1 day) the old one still signs too: every webhook carries both
 * signatures, so receivers can switch at any moment of the period. A second rotation within the period drops the
 * oldest secret (never more than two signatures).
 */
export async function rotateSecret(
  deps: EndpointAdminDeps,
  id: string,
  body: unknown,
): Promise<{ kind: 'rotated'; rotated: RotatedSecret } | NotFound | Invalid> {
  const existing = await findEndpoint(deps.store, id);
  if (!existing) return NOT_FOUND;
  const parsed = RotateSecretBodySchema.safeParse(body === undefined ? {} : body);
  if (!parsed.success) return { kind: 'invalid', issues: toValidationIssues(parsed.error.issues) };

  const now = deps.clock.now();
  const graceSeconds = parsed.data.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
  const secret = newSecret(deps.random ?? randomBytes);
  const expiresAt = new Date(now.getTime() + graceSeconds * 1000).toISOString();
  const changes: EndpointChanges = {
    sealedSecret: await deps.sealer.seal(secret, existing.id),
    updatedAt: now.toISOString(),
    ...(graceSeconds > 0
      ? { sealedPreviousSecret: existing.sealedSecret, previousSecretExpiresAt: expiresAt }
      : { sealedPreviousSecret: null, previousSecretExpiresAt: null }),
  };
  const updated = await deps.store.update(existing.id, changes);
  if (!updated) return NOT_FOUND;
  return {
    kind: 'rotated',
    rotated: { secret, ...(graceSeconds > 0 ? { previousSecretExpiresAt: expiresAt } : {}) },
  };
}

export async function listDeliveries(
  deps: { store: EndpointStore; deliveries: DeliveryLog },
  id: string,
  page: PageRequest,
): Promise<{ kind: 'found'; page: Page<DeliveryAttempt> } | NotFound> {
  const endpoint = await findEndpoint(deps.store, id);
  if (!endpoint) return NOT_FOUND;
  return { kind: 'found', page: await deps.deliveries.list(endpoint.id, page) };
}

/**
 * Sends the stored events of `[since, until)` that the endpoint's filter matches to that endpoint again, each with
 * its original id (so its original `webhook-id`). The endpoint must be enabled.
 */
export async function replayEvents(
  deps: ReplayDeps,
  id: string,
  body: unknown,
): Promise<{ kind: 'accepted'; events: number } | NotFound | Invalid> {
  const endpoint = await findEndpoint(deps.store, id);
  if (!endpoint) return NOT_FOUND;
  const parsed = ReplayBodySchema.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', issues: toValidationIssues(parsed.error.issues) };

  const now = deps.clock.now();
  const since = new Date(parsed.data.since);
  const until = parsed.data.until === undefined ? now : new Date(parsed.data.until);
  const oldest = new Date(now.getTime() - deps.retentionDays * 86_400_000);
  const issues: ValidationIssue[] = [];
  if (since.getTime() >= until.getTime()) {
    issues.push({ path: 'until', code: 'window_empty', message: 'must be later than since' });
  }
  if (since.getTime() < oldest.getTime()) {
    issues.push({
      path: 'since',
      code: 'before_retention',
      message: `events are kept ${deps.retentionDays} days: since must be ${oldest.toISOString()} or later`,
    });
  }
  if (!endpoint.enabled) {
    issues.push({
      path: '',
      code: 'endpoint_disabled',
      message: 'the endpoint is disabled: enable it (PATCH enabled: true) before replaying',
    });
  }
  if (issues.length > 0) return { kind: 'invalid', issues };

  const stored = await deps.events.between(since, until, MAX_REPLAY_EVENTS + 1);
  if (stored.length > MAX_REPLAY_EVENTS) {
    return {
      kind: 'invalid',
      issues: [
        {
          path: 'since',
          code: 'too_many_events',
          message: `the window holds more than ${MAX_REPLAY_EVENTS} events: replay it in shorter windows`,
        },
      ],
    };
  }
  const events = stored.filter((event) => endpointsFor(event.type, [endpoint]).length > 0);
  await deps.queue.send(events.map((event) => ({ endpointId: endpoint.id, event, replay: true as const })));
  return { kind: 'accepted', events: events.length };
}

/**
 * Every problem of a create or patch body: the schema's issues and, when the URL is well formed, the URL policy's
 * verdict on it (also when other fields are wrong, so that one answer lists everything).
 */
async function bodyIssues(
  deps: Pick<EndpointAdminDeps, 'urls'>,
  parsed: { success: boolean; error?: { issues: Parameters<typeof toValidationIssues>[0] } },
  body: unknown,
): Promise<ValidationIssue[]> {
  const issues = parsed.success || !parsed.error ? [] : toValidationIssues(parsed.error.issues);
  const url = body !== null && typeof body === 'object' ? (body as { url?: unknown }).url : undefined;
  if (typeof url === 'string' && EndpointUrlSchema.safeParse(url).success) {
    const issue = await deps.urls.check(url);
    if (issue) issues.push(issue);
  }
  return issues;
}

async function findEndpoint(store: EndpointStore, id: string): Promise<EndpointRecord | undefined> {
  if (!WebhookEndpointIdSchema.safeParse(id).success) return undefined;
  return store.get(id);
}

/** `ep_` + creation time in ms (12 hex digits, sortable) + 12 random hex digits. */
export function newEndpointId(now: Date, random: (size: number) => Buffer = randomBytes): string {
  const time = now.getTime().toString(16).padStart(12, '0').slice(-12);
  return `ep_${time}${random(6).toString('hex')}`;
}

/** Standard Webhooks: `whsec_` + base64 of random bytes (32 here; 24 to 64 allowed). */
export function newSecret(random: (size: number) => Buffer = randomBytes): string {
  return `whsec_${random(SECRET_BYTES).toString('base64')}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
