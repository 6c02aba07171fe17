import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AppliedState, AssignmentRecord, CampaignState, DriftCheckRecord } from '../app/model.ts';
import type { AssignmentStore, CreateAssignmentOutcome, IdempotencyClaim } from '../app/ports.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const ASSIGNMENT_TTL_SECONDS = 90 * 24 * 3600;
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

const assignmentKey = (assignmentId: string) => ({ pk: `ASSIGNMENT#${assignmentId}`, sk: 'A' });
const campaignKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'S' });
const idempotencyKey = (campaignId: string, key: string) => ({
  pk: `IDEMPOTENCY#${campaignId}#${key}`,
  sk: 'I',
});

function epochSeconds(iso: string, plusSeconds: number): number {
  return Math.floor(Date.parse(iso) / 1000) + plusSeconds;
}

function stripKeys<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = item;
  return rest as T;
}

function cancelledByCondition(error: unknown, index: number): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed'
  );
}

/** Single-table DynamoDB store (docs/architecture.md). */
export class DynamoAssignmentStore implements AssignmentStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = tableName;
  }

  private putAssignment(record: AssignmentRecord): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...assignmentKey(record.assignmentId),
          ...record,
          expiresAt: epochSeconds(record.submittedAt, ASSIGNMENT_TTL_SECONDS),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private setLatest(record: AssignmentRecord, expectedLatest?: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: campaignKey(record.campaignId),
        UpdateExpression:
          'SET campaignId = :campaignId, latestAssignmentId = :id, desired = :desired, submittedAt = :at',
        ...(expectedLatest === undefined ? {} : { ConditionExpression: 'latestAssignmentId = :expected' }),
        ExpressionAttributeValues: {
          ':campaignId': record.campaignId,
          ':id': record.assignmentId,
          ':desired': record.desired,
          ':at': record.submittedAt,
          ...(expectedLatest === undefined ? {} : { ':expected': expectedLatest }),
        },
      },
    };
  }

  async createAssignment(
    record: AssignmentRecord,
    idempotency?: IdempotencyClaim,
  ): Promise<CreateAssignmentOutcome> {
    const items: TransactItem[] = [];
    if (idempotency) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...idempotencyKey(record.campaignId, idempotency.key),
            bodyHash: idempotency.bodyHash,
            assignmentId: record.assignmentId,
            claimedAt: record.submittedAt,
            expiresAt: epochSeconds(record.submittedAt, IDEMPOTENCY_TTL_SECONDS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    items.push(this.putAssignment(record), this.setLatest(record));
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { created: true };
    } catch (error) {
      if (!idempotency || !cancelledByCondition(error, 0)) throw error;
      const existing = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: idempotencyKey(record.campaignId, idempotency.key),
          ConsistentRead: true,
        }),
      );
      if (!existing.Item) throw error;
      return {
        created: false,
        existingAssignmentId: String(existing.Item.assignmentId),
        existingBodyHash: String(existing.Item.bodyHash),
        claimedAt: String(existing.Item.claimedAt),
      };
    }
  }

  async createRebalance(record: AssignmentRecord, expectedLatest: string): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [this.putAssignment(record), this.setLatest(record, expectedLatest)],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledByCondition(error, 1)) return false;
      throw error;
    }
  }

  async getAssignment(assignmentId: string): Promise<AssignmentRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: assignmentKey(assignmentId), ConsistentRead: true }),
    );
    return stripKeys<AssignmentRecord>(out.Item);
  }

  async getCampaignState(campaignId: string): Promise<CampaignState | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: campaignKey(campaignId), ConsistentRead: true }),
    );
    return stripKeys<CampaignState>(out.Item);
  }

  async updateAssignment(
    assignmentId: string,
    patch: Partial<AssignmentRecord>,
    fromStatuses: AssignmentRecord['status'][],
  ): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return true;
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    const allowed = fromStatuses.map((status, i) => {
      values[`:s${i}`] = status;
      return `:s${i}`;
    });
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: assignmentKey(assignmentId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${allowed.join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async markEnqueued(assignmentId: string, enqueuedAt: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: assignmentKey(assignmentId),
        UpdateExpression: 'SET enqueuedAt = if_not_exists(enqueuedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': enqueuedAt },
      }),
    );
  }

  async clearPendingEvents(assignmentId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: assignmentKey(assignmentId),
        UpdateExpression: 'REMOVE pendingEvents',
      }),
    );
  }

  async recordManaged(campaignId: string, managedAgents: string[]): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: campaignKey(campaignId),
        UpdateExpression: 'SET managedAgents = :managed',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':managed': managedAgents },
      }),
    );
  }

  async recordApplied(campaignId: string, applied: AppliedState, managedAgents: string[]): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: campaignKey(campaignId),
        UpdateExpression: 'SET lastApplied = :applied, managedAgents = :managed',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':applied': applied, ':managed': managedAgents },
      }),
    );
  }

  async recordDriftCheck(campaignId: string, check: DriftCheckRecord): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: campaignKey(campaignId),
        UpdateExpression: 'SET lastDriftCheck = :check',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':check': check },
      }),
    );
  }

  async reserveSequence(campaignId: string, count: number): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: campaignKey(campaignId),
        UpdateExpression: 'ADD #sequence :n',
        ExpressionAttributeNames: { '#sequence': 'sequence' },
        ExpressionAttributeValues: { ':n': count },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const last = Number(out.Attributes?.sequence ?? count);
    return last - count + 1;
  }
}
