// The items (docs/design.md, "Data model"), sized for on-demand billing, where every write costs 1 WRU per KB of
// the larger of the whole item before and after it:
// - `ASSIGNMENT#<id>` `A`: the assignment's status, result and pending WFM events (packed); updated 4 times.
// - `ASSIGNMENT#<id>` `D`: its desired agents (packed), written once, with `A`, and only read after.
// - `CAMPAIGN#<id>` `S`: the campaign's latest assignment id, what was last applied and the managed agents (both
//   packed). The desired state is not copied here: it is read from the latest assignment's `D` item.
// - `CAMPAIGN#<id>` `N`: the per-campaign event sequence counter alone, so reserving numbers writes ~50 bytes.
// Items of the previous layout (desired inside `A` and `S`, plain lists, the counter on `S`) still read and work.
import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AppliedState, AssignmentRecord, CampaignState, DriftCheckRecord } from '../app/model.ts';
import type { AssignmentStore, CreateAssignmentOutcome, IdempotencyClaim } from '../app/ports.ts';
import { pack, unpack } from './dynamo-packed.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const ASSIGNMENT_TTL_SECONDS = 90 * 24 * 3600;
/** Desired states kept in memory per store (one per campaign a container dispatches is plenty). */
const DESIRED_CACHE_SIZE = 64;
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

const assignmentKey = (assignmentId: string) => ({ pk: `ASSIGNMENT#${assignmentId}`, sk: 'A' });
const desiredKey = (assignmentId: string) => ({ pk: `ASSIGNMENT#${assignmentId}`, sk: 'D' });
const campaignKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'S' });
const sequenceKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'N' });
/** Attributes of the assignment item stored packed (dynamo-packed.ts). */
const PACKED_ASSIGNMENT_ATTRIBUTES: ReadonlySet<string> = new Set(['pendingEvents', 'result']);
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

function assignmentOf(status: Record<string, unknown>, desired: unknown): AssignmentRecord {
  const {
    pk: _pk,
    sk: _sk,
    expiresAt: _ttl,
    desired: legacyDesired,
    pendingEvents,
    result,
    ...rest
  } = status;
  const events = unpack<AssignmentRecord['pendingEvents']>(pendingEvents);
  const outcome = unpack<AssignmentRecord['result']>(result);
  return {
    ...rest,
    desired: unpack(desired ?? legacyDesired),
    ...(outcome === undefined ? {} : { result: outcome }),
    ...(events === undefined ? {} : { pendingEvents: events }),
  } as AssignmentRecord;
}

const conditionFailed = (error: unknown) =>
  (error as { name?: string }).name === 'ConditionalCheckFailedException';

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
  /**
   * Desired-state items read or written lately, by assignment id. They never change once written, so a copy is never
   * stale: a dispatch reads its assignment, then the campaign state (whose desired state is usually that same
   * assignment's), then reschedules (the campaign state again) — one read instead of three.
   */
  private readonly desiredCache = new Map<string, unknown>();

  constructor(client: DynamoDBClient, tableName: string) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = tableName;
  }

  /**
   * The desired-state item, written before the transaction that makes the assignment exist (a write outside a
   * transaction costs half): nothing reads it until the status item and the campaign pointer refer to it, and one
   * left by a transaction that failed (a reused Idempotency-Key) expires with its TTL.
   */
  private async putDesired(record: AssignmentRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...desiredKey(record.assignmentId),
          desired: pack(record.desired),
          expiresAt: epochSeconds(record.submittedAt, ASSIGNMENT_TTL_SECONDS),
        },
      }),
    );
  }

  /** The assignment's status item, conditional on being new. */
  private putAssignment(record: AssignmentRecord): TransactItem {
    const { desired: _desired, pendingEvents, result, ...status } = record;
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...assignmentKey(record.assignmentId),
          ...status,
          ...(result === undefined ? {} : { result: pack(result) }),
          ...(pendingEvents === undefined ? {} : { pendingEvents: pack(pendingEvents) }),
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
        // REMOVE: a campaign item of the previous layout still holds a copy of the desired state.
        UpdateExpression:
          'SET campaignId = :campaignId, latestAssignmentId = :id, submittedAt = :at REMOVE desired',
        ...(expectedLatest === undefined ? {} : { ConditionExpression: 'latestAssignmentId = :expected' }),
        ExpressionAttributeValues: {
          ':campaignId': record.campaignId,
          ':id': record.assignmentId,
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
    await this.putDesired(record);
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
    await this.putDesired(record);
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

  /** One Query reads the status and desired-state items (billed on their summed size: 1 RRU up to 4 KB). */
  async getAssignment(assignmentId: string): Promise<AssignmentRecord | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': assignmentKey(assignmentId).pk },
        ConsistentRead: true,
      }),
    );
    const items = out.Items ?? [];
    const status = items.find((item) => item.sk === 'A');
    if (!status) return undefined;
    const record = assignmentOf(status, items.find((item) => item.sk === 'D')?.desired);
    this.remember(assignmentId, record.desired);
    return record;
  }

  private remember(assignmentId: string, desired: unknown): void {
    if (desired === undefined) return;
    this.desiredCache.delete(assignmentId);
    this.desiredCache.set(assignmentId, desired);
    if (this.desiredCache.size > DESIRED_CACHE_SIZE) {
      this.desiredCache.delete(this.desiredCache.keys().next().value as string);
    }
  }

  /** The desired state of an assignment: its `D` item, or (previous layout) inside its status item. */
  private async desiredOf(assignmentId: string): Promise<unknown> {
    if (this.desiredCache.has(assignmentId)) return this.desiredCache.get(assignmentId);
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: desiredKey(assignmentId), ConsistentRead: true }),
    );
    if (!out.Item) return (await this.getAssignment(assignmentId))?.desired;
    const desired = unpack(out.Item.desired);
    this.remember(assignmentId, desired);
    return desired;
  }

  async getCampaignState(campaignId: string): Promise<CampaignState | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: campaignKey(campaignId), ConsistentRead: true }),
    );
    const item = stripKeys<Record<string, unknown>>(out.Item);
    if (!item) return undefined;
    // `sequence` is the counter of the previous layout (kept until the counter item takes over from it).
    const { desired: legacyDesired, lastApplied, managedAgents, sequence: _sequence, ...pointer } = item;
    const desired = legacyDesired ?? (await this.desiredOf(String(pointer.latestAssignmentId)));
    const applied = unpack<AppliedState>(lastApplied);
    const managed = unpack<string[]>(managedAgents);
    return {
      ...pointer,
      desired: unpack(desired),
      ...(applied === undefined ? {} : { lastApplied: applied }),
      ...(managed === undefined ? {} : { managedAgents: managed }),
    } as CampaignState;
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
      values[`:v${i}`] = PACKED_ASSIGNMENT_ATTRIBUTES.has(name) ? pack(value) : value;
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
      if (conditionFailed(error)) return false;
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
        ExpressionAttributeValues: { ':managed': pack(managedAgents) },
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
        ExpressionAttributeValues: { ':applied': pack(applied), ':managed': pack(managedAgents) },
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

  /**
   * ADDs `count` to the campaign's counter item. The first reservation of a campaign creates it, continuing from the
   * counter a campaign item of the previous layout holds, so the numbers never go back.
   */
  async reserveSequence(campaignId: string, count: number): Promise<number> {
    for (;;) {
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: sequenceKey(campaignId),
            UpdateExpression: 'ADD #sequence :n',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#sequence': 'sequence' },
            ExpressionAttributeValues: { ':n': count },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Number(out.Attributes?.sequence) - count + 1;
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
      const first = (await this.legacySequence(campaignId)) + 1;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...sequenceKey(campaignId), sequence: first + count - 1 },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return first;
      } catch (error) {
        // Another dispatch created the counter meanwhile: add to it.
        if (!conditionFailed(error)) throw error;
      }
    }
  }

  private async legacySequence(campaignId: string): Promise<number> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: campaignKey(campaignId),
        ConsistentRead: true,
        ProjectionExpression: '#sequence',
        ExpressionAttributeNames: { '#sequence': 'sequence' },
      }),
    );
    return Number(out.Item?.sequence ?? 0);
  }
}
