// Event-type filters and fan-out: a pattern selects exactly the types it names, and fan-out queues each event once
// for every enabled endpoint whose filter selects it, and for no other.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fanOut } from '../../lib/app/webhook-delivery.ts';
import type { WfmDeliveryMessage } from '../../lib/app/webhook-model.ts';
import { buildAssignmentEvent, WFM_EVENT_TYPES } from '../../lib/wfm/cloudevents.ts';
import { eventTypeMatches } from '../../lib/wfm/endpoints.ts';

const PREFIX = 'com.cxone-assignments.';
const families = [
  ...new Set(WFM_EVENT_TYPES.map((type) => type.slice(PREFIX.length).split('.')[0] as string)),
];
const pattern = fc.oneof(
  fc.constant('*'),
  fc.constantFrom(...WFM_EVENT_TYPES),
  fc.constantFrom(...families).map((family) => `${PREFIX}${family}.*`),
);
const type = fc.constantFrom(...WFM_EVENT_TYPES);

function selects(p: string, t: string): boolean {
  if (p === '*') return true;
  if (p.endsWith('.*')) return t.split('.').slice(0, -1).join('.') === p.slice(0, -2);
  return p === t;
}

describe('event-type filters', () => {
  it('property: a pattern selects a type exactly when it is *, that type, or its family with .*', () => {
    fc.assert(
      fc.property(pattern, type, (p, t) => {
        expect(eventTypeMatches(p, t)).toBe(selects(p, t));
      }),
    );
  });

  it('property: fan-out queues an event once per enabled endpoint whose filter selects it', async () => {
    const event = buildAssignmentEvent({
      assignmentId: 'asg-1',
      campaignId: 'c-1',
      status: 'applied',
      time: new Date('2025-03-10T12:00:00Z'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ enabled: fc.boolean(), eventTypes: fc.array(pattern, { minLength: 1, maxLength: 4 }) }),
          {
            maxLength: 8,
          },
        ),
        async (endpoints) => {
          const subscriptions = endpoints.map((endpoint, i) => ({
            id: `ep_${String(i).padStart(24, '0')}`,
            ...endpoint,
          }));
          const sent: WfmDeliveryMessage[] = [];
          await fanOut(
            {
              store: { subscriptions: async () => subscriptions },
              events: { put: async () => {} },
              queue: { send: async (messages) => void sent.push(...messages) },
              staticEndpoints: [],
            },
            event,
          );
          const expected = subscriptions
            .filter((s) => s.enabled && s.eventTypes.some((p) => selects(p, event.type)))
            .map((s) => s.id);
          expect(sent.map((message) => ('endpointId' in message ? message.endpointId : ''))).toEqual(
            expected,
          );
        },
      ),
    );
  });
});
