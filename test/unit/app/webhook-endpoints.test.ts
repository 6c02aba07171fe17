import { describe, expect, it } from 'vitest';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  isBadQuery,
  listDeliveries,
  listEndpoints,
  MAX_REPLAY_EVENTS,
  newEndpointId,
  parsePageQuery,
  patchEndpoint,
  replayEvents,
  rotateSecret,
} from '../../../lib/app/webhook-endpoints.ts';
import { buildAssignmentEvent, buildCampaignEvent } from '../../../lib/wfm/cloudevents.ts';
import { FixedClock } from '../../support/clock.ts';
import {
  FakeSealer,
  InMemoryDeliveryLog,
  InMemoryEndpointStore,
  InMemoryEventLog,
  RecordingDeliveryQueue,
  StubUrlChecker,
} from '../../support/webhook-fakes.ts';

const NOW = new Date('2025-03-10T12:00:00Z');
const URL_A = 'https://wfm.example.com/hooks';

function setup() {
  const store = new InMemoryEndpointStore();
  const sealer = new FakeSealer();
  const urls = new StubUrlChecker();
  const clock = new FixedClock(NOW);
  return { store, sealer, urls, clock, deps: { store, sealer, urls, clock } };
}

async function created(deps: ReturnType<typeof setup>['deps'], body: Record<string, unknown> = {}) {
  const outcome = await createEndpoint(deps, { url: URL_A, ...body });
  if (outcome.kind !== 'created') throw new Error(JSON.stringify(outcome));
  return outcome.endpoint;
}

describe('creating an endpoint', () => {
  it('answers the secret once and stores it only sealed', async () => {
    const { deps, store } = setup();
    const endpoint = await created(deps, {
      description: 'WFM',
      eventTypes: ['com.cxone-assignments.agent.*'],
    });

    expect(endpoint).toMatchObject({
      url: URL_A,
      description: 'WFM',
      eventTypes: ['com.cxone-assignments.agent.*'],
      enabled: true,
      createdAt: NOW.toISOString(),
    });
    expect(endpoint.id).toMatch(/^ep_[0-9a-f]{24}$/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(Buffer.from(endpoint.secret.slice(6), 'base64')).toHaveLength(32);
    const stored = store.records.get(endpoint.id);
    expect(JSON.stringify(stored)).not.toContain(endpoint.secret);
    expect(stored?.sealedSecret).toMatch(new RegExp(`^sealed:${endpoint.id}:`));
    // Never again: get and list have no secret.
    expect((await getEndpoint(deps, endpoint.id)) as object).not.toHaveProperty('endpoint.secret');
    expect(JSON.stringify(await listEndpoints(deps, { limit: 50 }))).not.toContain('whsec_');
  });

  it('subscribes to every event type by default and keeps each pattern once', async () => {
    const { deps } = setup();
    expect((await created(deps)).eventTypes).toEqual(['*']);
    const twice = ['com.cxone-assignments.assignment.*', 'com.cxone-assignments.assignment.*'];
    expect((await created(deps, { eventTypes: twice })).eventTypes).toEqual([
      'com.cxone-assignments.assignment.*',
    ]);
  });

  it('collects every error: schema issues and the URL policy’s verdict in one answer', async () => {
    const { deps, urls, store } = setup();
    urls.refuse.set('http://10.0.0.5/hook', {
      path: 'url',
      code: 'address_not_allowed',
      message: 'address 10.0.0.5 is not allowed (private)',
    });
    const outcome = await createEndpoint(deps, {
      url: 'http://10.0.0.5/hook',
      eventTypes: ['com.cxone-assignments.nothing.*', 'com.cxone-assignments.agent.added'],
      description: 'x'.repeat(300),
      extra: true,
    });
    expect(outcome.kind).toBe('invalid');
    const issues = outcome.kind === 'invalid' ? outcome.issues : [];
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'description',
      'eventTypes[0]',
      'extra',
      'url',
    ]);
    expect(issues.find((issue) => issue.path === 'url')?.code).toBe('address_not_allowed');
    expect(store.records.size).toBe(0);
  });

  it('does not ask the URL policy about a URL that is not even well formed', async () => {
    const { deps, urls } = setup();
    const outcome = await createEndpoint(deps, { url: 'ftp://wfm.example.com/hook' });
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ path: 'url' }] });
    expect(urls.checked).toEqual([]);
  });

  it('can be created disabled', async () => {
    const { deps } = setup();
    const endpoint = await created(deps, { enabled: false });
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: 'manual' });
  });

  it('gives ids that sort by creation time', () => {
    const bytes = (size: number) => Buffer.alloc(size, 0xff);
    const earlier = newEndpointId(new Date('2025-01-01T00:00:00Z'), bytes);
    const later = newEndpointId(new Date('2025-01-01T00:00:00.001Z'), () => Buffer.alloc(6));
    expect(earlier < later).toBe(true);
  });
});

describe('listing, reading, changing and deleting endpoints', () => {
  it('lists oldest first, a page at a time', async () => {
    const { deps, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await created(deps)).id);
      clock.advance(1000);
    }
    const first = await listEndpoints(deps, { limit: 2 });
    expect(first.items.map((item) => item.id)).toEqual(ids.slice(0, 2));
    const second = await listEndpoints(deps, { limit: 2, cursor: first.nextCursor as string });
    expect(second.items.map((item) => item.id)).toEqual(ids.slice(2));
    expect(second.nextCursor).toBeUndefined();
  });

  it('reads limit and cursor: 1–100, default 50', () => {
    expect(parsePageQuery({})).toEqual({ limit: 50 });
    expect(parsePageQuery({ limit: '100', cursor: 'abc_-9' })).toEqual({ limit: 100, cursor: 'abc_-9' });
    for (const limit of ['0', '101', '-1', '1.5', 'ten', '']) {
      expect(isBadQuery(parsePageQuery({ limit })), limit).toBe(true);
    }
    expect(isBadQuery(parsePageQuery({ cursor: 'not a cursor!' }))).toBe(true);
  });

  it('answers not found for an unknown or malformed id', async () => {
    const { deps } = setup();
    expect(await getEndpoint(deps, 'ep_000000000000000000000000')).toEqual({ kind: 'not_found' });
    expect(await getEndpoint(deps, '../../etc')).toEqual({ kind: 'not_found' });
    expect(await patchEndpoint(deps, 'nope', { enabled: false })).toEqual({ kind: 'not_found' });
    expect(await deleteEndpoint(deps, 'nope')).toEqual({ kind: 'not_found' });
  });

  it('patches the fields given, checks a new URL, and turning it back on restarts the failure clock', async () => {
    const { deps, store, urls, clock } = setup();
    const endpoint = await created(deps);
    Object.assign(store.records.get(endpoint.id) as object, {
      enabled: false,
      disabledReason: 'failing',
      disabledAt: NOW.toISOString(),
      failingSince: '2025-03-05T12:00:00.000Z',
    });
    clock.advance(60_000);
    const outcome = await patchEndpoint(deps, endpoint.id, {
      url: 'https://other.example.com/x',
      enabled: true,
      eventTypes: ['*'],
    });
    expect(outcome).toMatchObject({
      kind: 'updated',
      endpoint: { url: 'https://other.example.com/x', enabled: true, updatedAt: clock.now().toISOString() },
    });
    expect(urls.checked).toContain('https://other.example.com/x');
    const stored = store.records.get(endpoint.id);
    expect(stored?.disabledReason).toBeUndefined();
    expect(stored?.failingSince).toBeUndefined();
    expect(stored?.sealedSecret).toBeDefined();

    const off = await patchEndpoint(deps, endpoint.id, { enabled: false });
    expect(off).toMatchObject({ kind: 'updated', endpoint: { enabled: false, disabledReason: 'manual' } });
    expect(await patchEndpoint(deps, endpoint.id, { secret: 'whsec_x' })).toMatchObject({ kind: 'invalid' });
  });

  it('deletes an endpoint once', async () => {
    const { deps } = setup();
    const { id } = await created(deps);
    expect(await deleteEndpoint(deps, id)).toEqual({ kind: 'deleted' });
    expect(await deleteEndpoint(deps, id)).toEqual({ kind: 'not_found' });
    expect(await getEndpoint(deps, id)).toEqual({ kind: 'not_found' });
  });
});

describe('rotating the secret', () => {
  it('keeps the old secret signing for the grace period, then only the new one', async () => {
    const { deps, store, sealer, clock } = setup();
    const endpoint = await created(deps);
    const outcome = await rotateSecret(deps, endpoint.id, { gracePeriodSeconds: 600 });
    if (outcome.kind !== 'rotated') throw new Error(outcome.kind);
    expect(outcome.rotated.secret).not.toBe(endpoint.secret);
    expect(outcome.rotated.previousSecretExpiresAt).toBe(new Date(NOW.getTime() + 600_000).toISOString());
    const stored = store.records.get(endpoint.id);
    expect(await sealer.open(stored?.sealedSecret as string, endpoint.id)).toBe(outcome.rotated.secret);
    expect(await sealer.open(stored?.sealedPreviousSecret as string, endpoint.id)).toBe(endpoint.secret);
    expect(await getEndpoint(deps, endpoint.id)).toMatchObject({
      endpoint: { previousSecretExpiresAt: outcome.rotated.previousSecretExpiresAt },
    });
    clock.advance(600_001);
    expect(await getEndpoint(deps, endpoint.id)).not.toHaveProperty('endpoint.previousSecretExpiresAt');
  });

  it('defaults to a day of grace, drops the old secret at once with 0, and never keeps more than two', async () => {
    const { deps, store, sealer } = setup();
    const endpoint = await created(deps);
    const first = await rotateSecret(deps, endpoint.id, undefined);
    expect(first).toMatchObject({ rotated: { previousSecretExpiresAt: '2025-03-11T12:00:00.000Z' } });
    const second = await rotateSecret(deps, endpoint.id, {});
    const stored = store.records.get(endpoint.id);
    const firstSecret = first.kind === 'rotated' ? first.rotated.secret : '';
    expect(await sealer.open(stored?.sealedPreviousSecret as string, endpoint.id)).toBe(firstSecret);
    expect(second.kind).toBe('rotated');
    const immediate = await rotateSecret(deps, endpoint.id, { gracePeriodSeconds: 0 });
    expect(immediate).toMatchObject({ kind: 'rotated' });
    expect(immediate.kind === 'rotated' ? immediate.rotated.previousSecretExpiresAt : 'none').toBeUndefined();
    expect(store.records.get(endpoint.id)?.sealedPreviousSecret).toBeUndefined();
    expect(await rotateSecret(deps, endpoint.id, { gracePeriodSeconds: 604_801 })).toMatchObject({
      kind: 'invalid',
    });
  });
});

describe('deliveries and replay', () => {
  const events = (campaignId: string) => [
    buildAssignmentEvent({
      assignmentId: 'asg-1',
      campaignId,
      status: 'applied',
      time: new Date('2025-03-10T11:00:00Z'),
    }),
    buildCampaignEvent({
      assignmentId: 'asg-2',
      campaignId,
      status: 'applied',
      change: 'rebalanced',
      time: new Date('2025-03-10T11:30:00Z'),
    }),
    buildAssignmentEvent({
      assignmentId: 'asg-3',
      campaignId,
      status: 'failed',
      time: new Date('2025-03-10T11:59:59.999Z'),
    }),
  ];

  async function replaySetup(eventTypes = ['com.cxone-assignments.assignment.*']) {
    const base = setup();
    const log = new InMemoryEventLog();
    for (const event of events('c-1')) await log.put(event);
    const queue = new RecordingDeliveryQueue();
    const endpoint = await created(base.deps, { eventTypes });
    const deps = { store: base.store, events: log, queue, clock: base.clock, retentionDays: 14 };
    return { ...base, log, queue, endpoint, replayDeps: deps };
  }

  it('lists an endpoint’s attempts newest first', async () => {
    const { deps, store } = setup();
    const endpoint = await created(deps);
    const deliveries = new InMemoryDeliveryLog();
    for (const attempt of [1, 2]) {
      await deliveries.record(endpoint.id, {
        eventId: 'e-1',
        eventType: 'com.cxone-assignments.assignment.applied',
        attempt,
        at: new Date(NOW.getTime() + attempt * 1000).toISOString(),
        outcome: attempt === 1 ? 'pending' : 'delivered',
        durationMs: 5,
      });
    }
    const outcome = await listDeliveries({ store, deliveries }, endpoint.id, { limit: 50 });
    expect(outcome.kind === 'found' && outcome.page.items.map((item) => item.attempt)).toEqual([2, 1]);
    expect(await listDeliveries({ store, deliveries }, 'ep_000000000000000000000000', { limit: 5 })).toEqual({
      kind: 'not_found',
    });
  });

  it('re-sends the window’s matching events to that endpoint with their original ids', async () => {
    const { replayDeps, queue, endpoint } = await replaySetup();
    const outcome = await replayEvents(replayDeps, endpoint.id, {
      since: '2025-03-10T10:00:00Z',
      until: '2025-03-10T11:59:59.999Z',
    });
    expect(outcome).toEqual({ kind: 'accepted', events: 1 });
    const [original] = events('c-1');
    expect(queue.messages).toEqual([{ endpointId: endpoint.id, event: original, replay: true }]);

    // `until` is exclusive; without it the window ends now (asg-3 at 11:59:59.999 is then in it).
    const untilNow = await replayEvents(replayDeps, endpoint.id, { since: '2025-03-10T10:00:00+01:00' });
    expect(untilNow).toEqual({ kind: 'accepted', events: 2 });
  });

  it('refuses an empty window, one older than the retention, and a disabled endpoint, all at once', async () => {
    const { replayDeps, endpoint, store } = await replaySetup();
    (store.records.get(endpoint.id) as { enabled: boolean }).enabled = false;
    const outcome = await replayEvents(replayDeps, endpoint.id, {
      since: '2025-02-01T00:00:00Z',
      until: '2025-02-01T00:00:00Z',
    });
    expect(outcome.kind === 'invalid' && outcome.issues.map((issue) => issue.code).sort()).toEqual([
      'before_retention',
      'endpoint_disabled',
      'window_empty',
    ]);
    expect(await replayEvents(replayDeps, endpoint.id, { since: 'yesterday' })).toMatchObject({
      kind: 'invalid',
    });
    expect(
      await replayEvents(replayDeps, 'ep_000000000000000000000000', { since: NOW.toISOString() }),
    ).toEqual({
      kind: 'not_found',
    });
  });

  it('refuses a window with more events than one replay sends', async () => {
    const { replayDeps, endpoint, queue } = await replaySetup(['*']);
    const crowded = {
      ...replayDeps,
      events: {
        put: async () => {},
        between: async (_s: Date, _u: Date, max: number) => Array(max).fill(events('c')[0]),
      },
    };
    const outcome = await replayEvents(crowded, endpoint.id, { since: '2025-03-10T00:00:00Z' });
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ code: 'too_many_events' }] });
    expect(MAX_REPLAY_EVENTS).toBe(10_000);
    expect(queue.messages).toEqual([]);
  });
});
