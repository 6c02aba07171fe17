// docs/events.md is the receivers' contract: it must name every event type, its examples must be events the
// service would send, and its retry schedule must be the one the delivery uses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WFM_EVENT_TYPES, WfmEventSchema } from '../../../lib/wfm/cloudevents.ts';
import {
  attemptsOf,
  DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS,
  formatSpan,
  scheduleSpanSeconds,
} from '../../../lib/wfm/retry-schedule.ts';

const catalog = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
const examples = [...catalog.matchAll(/```json\n([\s\S]*?)```/g)].map((match) =>
  JSON.parse(match[1] as string),
);

describe('the event catalog (docs/events.md)', () => {
  it('names every event type', () => {
    for (const type of WFM_EVENT_TYPES) {
      const short = type.replace(/^com\.cxone-assignments\./, '');
      expect(catalog, type).toContain(`\`${short}\``);
    }
  });

  it('shows examples the schema accepts, one of each kind', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const example of examples)
      expect(WfmEventSchema.safeParse(example).error, example.type).toBeUndefined();
    const kinds = new Set(examples.map((example) => String(example.type).split('.')[2]));
    expect([...kinds].sort()).toEqual(['agent', 'assignment', 'campaign', 'endpoint']);
  });

  it('states the retry schedule and its span as the delivery uses them', () => {
    expect(catalog).toContain('5 s, 5 min, 30 min, 2 h, 5 h, 10 h,\n10 h');
    expect(catalog).toContain(`${attemptsOf(DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS)} attempts over`);
    expect(catalog).toContain(
      `**${formatSpan(scheduleSpanSeconds(DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS))}**`,
    );
  });
});
