import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISABLE_AFTER_SECONDS,
  deliverMessage,
  fanOut,
  fanOutAll,
} from '../../../lib/app/webhook-delivery.ts';
import { createEndpoint, rotateSecret } from '../../../lib/app/webhook-endpoints.ts';
import type { WfmDeliveryMessage } from '../../../lib/app/webhook-model.ts';
import { buildAgentEvent, buildAssignmentEvent, type WfmEvent } from '../../../lib/wfm/cloudevents.ts';
import type { DeliveryOutcome } from '../../../lib/wfm/outcome.ts';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS } from '../../../lib/wfm/retry-schedule.ts';
import { FixedClock } from '../../support/clock.ts';
import { RecordingWfmEventQueue } from '../../support/recording-queues.ts';
import {
  FakeSealer,
  InMemoryDeliveryLog,
  InMemoryEndpointStore,
  InMemoryEventLog,
  RecordingDeliveryQueue,
  RecordingWebhookObserver,
  ScriptedSender,
  StubUrlChecker,
} from '../../support/webhook-fakes.ts';

const NOW = new Date('2025-03-10T12:00:00Z');
const STAGE_SECRET = 'whsec_c3RhZ2Utc2VjcmV0LWZvci10ZXN0cy0wMTIzNDU2Nzg5';
const DELIVERED: DeliveryOutcome = { kind: 'delivered', status: 204, durationMs: 20 };
const DOWN: DeliveryOutcome = { kind: 'retry', reason: 'network error (ECONNREFUSED)', durationMs: 3 };
const GONE: DeliveryOutcome = { kind: 'disabled', status: 410, durationMs: 8 };

const applied = buildAssignmentEvent({
  assignmentId: 'asg-1',
  campaignId: 'c-1',
  status: 'applied',
  time: NOW,
});
const added = buildAgentEvent({
  assignmentId: 'asg-1',
  campaignId: 'c-1',
  status: 'applied',
  change: 'added',
  userId: 'agent-uuid-001',
  sequence: 1,
  time: NOW,
});

function setup(...outcomes: DeliveryOutcome[]) {
  const clock = new FixedClock(NOW);
  const store = new InMemoryEndpointStore();
  const sealer = new FakeSealer();
  const deliveries = new InMemoryDeliveryLog();
  const sender = new ScriptedSender(...outcomes);
  const wfm = new RecordingWfmEventQueue();
  const observer = new RecordingWebhookObserver();
  const deps = {
    store,
    deliveries,
    sealer,
    sender,
    wfm,
    staticEndpoints: new Map([['local-wfm', { name: 'local-wfm', url: 'https://static.example.com/hooks' }]]),
    stageSecrets: async () => [STAGE_SECRET],
    observer,
    clock,
    schedule: DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS,
    disableAfterSeconds: DEFAULT_DISABLE_AFTER_SECONDS,
  };
  const admin = { store, sealer, urls: new StubUrlChecker(), clock };
  return { clock, store, sealer, deliveries, sender, wfm, observer, deps, admin };
}

async function endpointIn(admin: ReturnType<typeof setup>['admin'], eventTypes?: string[]) {
  const outcome = await createEndpoint(admin, {
    url: 'https://wfm.example.com/a',
    description: 'WFM A',
    ...(eventTypes ? { eventTypes } : {}),
  });
  if (outcome.kind !== 'created') throw new Error(outcome.kind);
  return outcome.endpoint;
}

const deliveredEvents = (wfm: RecordingWfmEventQueue): WfmEvent[] => wfm.batches.flat();

describe('fan-out', () => {
  it('stores the event and queues it once per matching enabled endpoint, static ones included', async () => {
    const { admin, store } = setup();
    const agents = await endpointIn(admin, ['com.cxone-assignments.agent.*']);
    const all = await endpointIn(admin);
    const off = await endpointIn(admin);
    await store.disable(off.id, 'manual', NOW.toISOString());
    const events = new InMemoryEventLog();
    const queue = new RecordingDeliveryQueue();
    const deps = {
      store,
      events,
      queue,
      staticEndpoints: [
        { name: 'static-all', url: 'https://s.example.com/' },
        {
          name: 'static-assignments',
          url: 'https://s.example.com/a',
          eventTypes: ['com.cxone-assignments.assignment.*'],
        },
      ],
    };

    expect(await fanOut(deps, added)).toBe(3);
    expect(queue.messages).toEqual([
      { endpoint: 'static-all', event: added },
      { endpointId: agents.id, event: added },
      { endpointId: all.id, event: added },
    ]);
    expect(await events.between(NOW, new Date(NOW.getTime() + 1), 10)).toEqual([added]);
    queue.messages.length = 0;
    await fanOut(deps, applied);
    expect(queue.messages.map((m) => ('endpoint' in m ? m.endpoint : m.endpointId))).toEqual([
      'static-all',
      'static-assignments',
      all.id,
    ]);
  });
});

describe('fan-out of one invocation’s events together', () => {
  it('queues the same messages as one fan-out per event, with one subscriptions read and one send', async () => {
    const { admin, store } = setup();
    const agents = await endpointIn(admin, ['com.cxone-assignments.agent.*']);
    const all = await endpointIn(admin);
    let reads = 0;
    const counted = {
      subscriptions: () => {
        reads++;
        return store.subscriptions();
      },
    };
    const events = new InMemoryEventLog();
    const sends: WfmDeliveryMessage[][] = [];
    const queue = { send: async (messages: readonly WfmDeliveryMessage[]) => void sends.push([...messages]) };
    const staticEndpoints = [{ name: 'static-all', url: 'https://s.example.com/' }];

    expect(await fanOutAll({ store: counted, events, queue, staticEndpoints }, [added, applied])).toBe(5);
    expect(reads).toBe(1);
    expect(sends).toEqual([
      [
        { endpoint: 'static-all', event: added },
        { endpointId: agents.id, event: added },
        { endpointId: all.id, event: added },
        { endpoint: 'static-all', event: applied },
        { endpointId: all.id, event: applied },
      ],
    ]);
    expect(await events.between(NOW, new Date(NOW.getTime() + 1), 10)).toEqual(
      expect.arrayContaining([added, applied]),
    );
  });

  it('queues nothing when an event cannot be stored for replay, so the caller retries every event', async () => {
    const { store } = setup();
    const sends: WfmDeliveryMessage[][] = [];
    const failing = {
      put: async () => {
        throw new Error('DynamoDB unavailable');
      },
    };
    const queue = { send: async (messages: readonly WfmDeliveryMessage[]) => void sends.push([...messages]) };
    await expect(
      fanOutAll(
        { store, events: failing, queue, staticEndpoints: [{ name: 's', url: 'https://s.example.com/' }] },
        [added, applied],
      ),
    ).rejects.toThrow('DynamoDB unavailable');
    expect(sends).toEqual([]);
  });

  it('does nothing for no events', async () => {
    const { store } = setup();
    const queue = { send: async () => expect.unreachable('nothing to send') };
    expect(await fanOutAll({ store, events: new InMemoryEventLog(), queue, staticEndpoints: [] }, [])).toBe(
      0,
    );
  });
});

describe('one attempt to an API-created endpoint', () => {
  it('signs with the endpoint’s own secret and records the delivered attempt', async () => {
    const { admin, deps, sender, deliveries } = setup(DELIVERED);
    const endpoint = await endpointIn(admin);
    expect(await deliverMessage(deps, { endpointId: endpoint.id, event: applied }, 1)).toEqual({
      kind: 'delivered',
    });
    expect(sender.sent[0]).toMatchObject({ target: { name: endpoint.id }, secrets: [endpoint.secret] });
    expect(deliveries.of(endpoint.id)).toEqual([
      {
        eventId: applied.id,
        eventType: applied.type,
        attempt: 1,
        at: NOW.toISOString(),
        httpStatus: 204,
        outcome: 'delivered',
        durationMs: 20,
      },
    ]);
  });

  it('signs with both secrets while a rotation’s grace period lasts', async () => {
    const { admin, deps, sender, clock } = setup(DELIVERED);
    const endpoint = await endpointIn(admin);
    const rotated = await rotateSecret(admin, endpoint.id, { gracePeriodSeconds: 60 });
    const newSecret = rotated.kind === 'rotated' ? rotated.rotated.secret : '';
    await deliverMessage(deps, { endpointId: endpoint.id, event: applied }, 1);
    clock.advance(60_000);
    await deliverMessage(deps, { endpointId: endpoint.id, event: applied }, 1);
    expect(sender.sent.map((sent) => sent.secrets)).toEqual([[newSecret, endpoint.secret], [newSecret]]);
  });

  it('waits on the schedule after a failure, honouring Retry-After, and records each attempt as pending', async () => {
    const busy: DeliveryOutcome = {
      kind: 'retry',
      status: 429,
      retryAfterMs: 90_000,
      reason: 'http 429',
      durationMs: 4,
    };
    const { admin, deps, deliveries } = setup(DOWN, busy);
    const endpoint = await endpointIn(admin);
    const message = { endpointId: endpoint.id, event: applied };
    expect(await deliverMessage(deps, message, 1)).toEqual({ kind: 'retry', waitSeconds: 5 });
    expect(await deliverMessage(deps, message, 2)).toEqual({ kind: 'retry', waitSeconds: 300 });
    expect(await deliverMessage(deps, message, 3)).toEqual({ kind: 'retry', waitSeconds: 1_800 });
    expect(
      deliveries.of(endpoint.id).map((a) => [a.attempt, a.outcome, a.httpStatus, a.nextAttemptAt]),
    ).toEqual([
      [1, 'pending', undefined, '2025-03-10T12:00:05.000Z'],
      [2, 'pending', 429, '2025-03-10T12:05:00.000Z'],
      [3, 'pending', 429, '2025-03-10T12:30:00.000Z'],
    ]);
    expect(deliveries.of(endpoint.id)[0]?.error).toBe('network error (ECONNREFUSED)');
  });

  it('gives up after the last attempt of the schedule (to the dead-letter queue)', async () => {
    const { admin, deps, deliveries } = setup(DOWN);
    const endpoint = await endpointIn(admin);
    const outcome = await deliverMessage(deps, { endpointId: endpoint.id, event: applied }, 8);
    expect(outcome).toMatchObject({ kind: 'failed' });
    expect(deliveries.of(endpoint.id).at(-1)).toMatchObject({ attempt: 8, outcome: 'failed' });
  });

  it('disables the endpoint at once on 410, tells the other endpoints and writes an audit line', async () => {
    const { admin, deps, store, wfm, observer } = setup(GONE);
    const endpoint = await endpointIn(admin);
    const outcome = await deliverMessage(deps, { endpointId: endpoint.id, event: applied }, 1);
    expect(outcome).toMatchObject({ kind: 'dropped' });
    expect(store.records.get(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect(deliveredEvents(wfm)).toEqual([
      expect.objectContaining({
        type: 'com.cxone-assignments.endpoint.disabled',
        subject: endpoint.id,
        data: {
          endpointId: endpoint.id,
          description: 'WFM A',
          reason: 'gone',
          disabledAt: NOW.toISOString(),
          httpStatus: 410,
        },
      }),
    ]);
    expect(JSON.stringify(deliveredEvents(wfm))).not.toContain('wfm.example.com');
    expect(observer.audits).toEqual([
      { action: 'webhook_endpoint.disabled', endpoint: endpoint.id, reason: 'gone', httpStatus: 410 },
    ]);
    // A second 410 in the same batch does not disable it twice.
    await store.update(endpoint.id, { enabled: true });
    await store.disable(endpoint.id, 'gone', NOW.toISOString());
    await deliverMessage(deps, { endpointId: endpoint.id, event: applied }, 1);
    expect(observer.audits).toHaveLength(1);
  });

  it('disables an endpoint after 5 days of nothing but failures (injected clock), once', async () => {
    const { admin, deps, store, wfm, clock, sender } = setup(DOWN);
    const endpoint = await endpointIn(admin);
    const message = { endpointId: endpoint.id, event: applied };
    await deliverMessage(deps, message, 1);
    expect(store.records.get(endpoint.id)?.failingSince).toBe(NOW.toISOString());
    for (const days of [1, 2, 3, 4]) {
      clock.set(new Date(NOW.getTime() + days * 86_400_000));
      expect((await deliverMessage(deps, message, 2)).kind).toBe('retry');
    }
    clock.set(new Date(NOW.getTime() + 5 * 86_400_000 - 1000));
    expect((await deliverMessage(deps, message, 2)).kind).toBe('retry');
    clock.set(new Date(NOW.getTime() + 5 * 86_400_000));
    const outcome = await deliverMessage(deps, message, 2);
    expect(outcome).toMatchObject({ kind: 'failed' });
    expect(store.records.get(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'failing' });
    expect(deliveredEvents(wfm).map((event) => event.data)).toEqual([
      expect.objectContaining({ reason: 'failing', failingSince: NOW.toISOString() }),
    ]);
    // Deliveries still in flight fail too, without another attempt.
    const sends = sender.sent.length;
    expect(await deliverMessage(deps, message, 3)).toMatchObject({ kind: 'failed' });
    expect(sender.sent).toHaveLength(sends);
  });

  it('restarts the 5-day clock after any success', async () => {
    const { admin, deps, store, clock, sender } = setup(DOWN);
    const endpoint = await endpointIn(admin);
    const message = { endpointId: endpoint.id, event: applied };
    await deliverMessage(deps, message, 1);
    clock.advance(4 * 86_400_000);
    sender.script(DELIVERED);
    await deliverMessage(deps, message, 1);
    expect(store.records.get(endpoint.id)?.failingSince).toBeUndefined();
    sender.script(DOWN);
    clock.advance(2 * 86_400_000);
    expect((await deliverMessage(deps, message, 1)).kind).toBe('retry');
    expect(store.records.get(endpoint.id)).toMatchObject({
      enabled: true,
      failingSince: clock.now().toISOString(),
    });
  });

  it('drops deliveries to a deleted endpoint, a disabled one, or one whose filter no longer matches', async () => {
    const { admin, deps, store, sender } = setup(DELIVERED);
    const gone = await endpointIn(admin);
    await store.delete(gone.id);
    const off = await endpointIn(admin);
    await store.disable(off.id, 'manual', NOW.toISOString());
    const narrowed = await endpointIn(admin, ['com.cxone-assignments.agent.*']);
    for (const id of [gone.id, off.id, narrowed.id]) {
      expect(await deliverMessage(deps, { endpointId: id, event: applied }, 1)).toMatchObject({
        kind: 'dropped',
      });
    }
    expect(sender.sent).toEqual([]);
  });
});

describe('one attempt to a deploy-parameter endpoint', () => {
  it('signs with the stage secret; retries on the schedule; gives up after the last attempt', async () => {
    const { deps, sender } = setup(DELIVERED);
    const message = { endpoint: 'local-wfm', event: applied };
    expect(await deliverMessage(deps, message, 1)).toEqual({ kind: 'delivered' });
    expect(sender.sent[0]).toMatchObject({ target: { name: 'local-wfm' }, secrets: [STAGE_SECRET] });
    sender.script(DOWN);
    expect(await deliverMessage(deps, message, 7)).toEqual({ kind: 'retry', waitSeconds: 36_000 });
    expect(await deliverMessage(deps, message, 8)).toMatchObject({ kind: 'failed' });
  });

  it('drops an event answered with 410 (the parameter cannot be changed from here)', async () => {
    const { deps, wfm } = setup(GONE);
    expect(await deliverMessage(deps, { endpoint: 'local-wfm', event: applied }, 1)).toMatchObject({
      kind: 'dropped',
    });
    expect(wfm.batches).toEqual([]);
  });

  it('fails a message for an endpoint no longer configured, without calling anyone', async () => {
    const { deps, sender } = setup();
    expect(await deliverMessage(deps, { endpoint: 'retired', event: applied }, 1)).toMatchObject({
      kind: 'failed',
    });
    expect(sender.sent).toEqual([]);
  });
});
