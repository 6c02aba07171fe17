// The due index: one small item per scheduled campaign (`CAMPAIGN#<id>`, sk `D`) carrying `dueShard` and `dueAt`,
// the keys of the sparse global secondary index DueIndex. Only these items have `dueShard`, so the index holds
// exactly the scheduled campaigns, ordered by due time within each shard; a tick reads each shard's due range and
// never touches a campaign that is not due.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type CampaignSchedule,
  CampaignScheduleSchema,
  type ScheduleIndex,
} from '../app/campaign-schedule.ts';

export const DUE_INDEX_NAME = 'DueIndex';
/**
 * Shards of the index's partition key. One GSI partition takes about 1,000 writes a second; every scheduled
 * campaign is written once per handling, so 10,000 campaigns all due at the same 09:00 write about 170 a second
 * over a minute. Four shards leave room to grow tenfold for four Query calls a tick.
 */
export const DUE_SHARDS = 4;

const scheduleKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'D' });

/** A stable shard per campaign (FNV-1a of its id). */
export function dueShardOf(campaignId: string, shards = DUE_SHARDS): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < campaignId.length; i++) {
    hash ^= campaignId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `DUE#${hash % shards}`;
}

function scheduleOf(item: Record<string, unknown>): CampaignSchedule {
  return CampaignScheduleSchema.parse({
    campaignId: item.campaignId,
    dueAt: item.dueAt,
    ...(item.lastDriftCheckAt === undefined ? {} : { lastDriftCheckAt: item.lastDriftCheckAt }),
  });
}

export class DynamoScheduleIndex implements ScheduleIndex {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly shards: number;

  constructor(client: DynamoDBClient, tableName: string, shards = DUE_SHARDS) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = tableName;
    this.shards = shards;
  }

  async due(now: Date): Promise<CampaignSchedule[]> {
    const shards = Array.from({ length: this.shards }, (_, i) => `DUE#${i}`);
    const pages = await Promise.all(shards.map((shard) => this.dueIn(shard, now.toISOString())));
    return pages.flat();
  }

  private async dueIn(shard: string, until: string): Promise<CampaignSchedule[]> {
    const due: CampaignSchedule[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DUE_INDEX_NAME,
          KeyConditionExpression: 'dueShard = :shard AND dueAt <= :until',
          ExpressionAttributeValues: { ':shard': shard, ':until': until },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) due.push(scheduleOf(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return due;
  }

  async get(campaignId: string): Promise<CampaignSchedule | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: scheduleKey(campaignId), ConsistentRead: true }),
    );
    return out.Item ? scheduleOf(out.Item) : undefined;
  }

  async put(schedule: CampaignSchedule): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...scheduleKey(schedule.campaignId),
          ...schedule,
          dueShard: dueShardOf(schedule.campaignId, this.shards),
        },
      }),
    );
  }

  async claim(campaignId: string, expectedDueAt: string, until: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: scheduleKey(campaignId),
          UpdateExpression: 'SET dueAt = :until',
          ConditionExpression: 'dueAt = :expected',
          ExpressionAttributeValues: { ':until': until, ':expected': expectedDueAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markDue(campaignId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: scheduleKey(campaignId),
        UpdateExpression: 'SET campaignId = :campaignId, dueAt = :at, dueShard = :shard',
        ExpressionAttributeValues: {
          ':campaignId': campaignId,
          ':at': at,
          ':shard': dueShardOf(campaignId, this.shards),
        },
      }),
    );
  }

  async remove(campaignId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: scheduleKey(campaignId) }));
  }
}
