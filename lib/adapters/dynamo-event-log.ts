// Every fanned-out WFM event, kept for replay (docs/architecture.md):
//   event  pk WFM_EVENTS#<YYYY-MM-DDTHH of the event's time>  sk <time>#<id>  event (the JSON), type; TTL expiresAt
// One partition per hour spreads the writes; a replay window reads the hours it covers.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventLog } from '../app/webhook-ports.ts';
import { serializeWfmEvent, type WfmEvent, WfmEventSchema } from '../wfm/cloudevents.ts';
import { documentClient } from './dynamo-endpoint-store.ts';

export const EVENTS_PK_PREFIX = 'WFM_EVENTS#';
const HOUR_MS = 3_600_000;
/** Hours read at once by a replay. */
const PARALLEL_HOURS = 8;

const hourOf = (time: Date) => time.toISOString().slice(0, 13);

export class DynamoEventLog implements EventLog {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionSeconds: number;

  constructor(client: DynamoDBClient, tableName: string, retentionDays: number) {
    this.doc = documentClient(client);
    this.tableName = tableName;
    this.retentionSeconds = retentionDays * 86_400;
  }

  /** Idempotent: the same event (same id and time) is the same item. */
  async put(event: WfmEvent): Promise<void> {
    const time = new Date(event.time);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `${EVENTS_PK_PREFIX}${hourOf(time)}`,
          sk: `${time.toISOString()}#${event.id}`,
          type: event.type,
          event: serializeWfmEvent(event),
          expiresAt: Math.floor(time.getTime() / 1000) + this.retentionSeconds,
        },
      }),
    );
  }

  async between(since: Date, until: Date, max: number): Promise<WfmEvent[]> {
    const hours: Date[] = [];
    for (let at = Math.floor(since.getTime() / HOUR_MS) * HOUR_MS; at < until.getTime(); at += HOUR_MS) {
      hours.push(new Date(at));
    }
    const events: WfmEvent[] = [];
    for (let i = 0; i < hours.length && events.length < max; i += PARALLEL_HOURS) {
      const batch = await Promise.all(
        hours.slice(i, i + PARALLEL_HOURS).map((hour) => this.hour(hour, since, until, max)),
      );
      for (const found of batch) events.push(...found);
    }
    return events.slice(0, max);
  }

  private async hour(hour: Date, since: Date, until: Date, max: number): Promise<WfmEvent[]> {
    const events: WfmEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': `${EVENTS_PK_PREFIX}${hourOf(hour)}`,
            ':from': since.toISOString(),
            ':to': until.toISOString(),
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const parsed = WfmEventSchema.safeParse(JSON.parse(String(item.event)));
        // `until` is exclusive; an item that no longer reads as an event is skipped.
        if (parsed.success && Date.parse(parsed.data.time) < until.getTime()) events.push(parsed.data);
      }
      start = out.LastEvaluatedKey;
    } while (start && events.length < max);
    return events;
  }
}
