import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError, type Page, type PageRequest } from '../app/paging.ts';
import type { PolicyStore, PolicyWriteOutcome, StoredPolicy } from '../app/ports.ts';
import { type CampaignPolicy, IdSchema } from '../domain/schemas.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

// Items (docs/architecture.md): every campaign's current policy in one partition, so that listing them is a Query;
// each version in its campaign's partition; one claim item per CXone skill.
const POLICIES_PK = 'POLICIES';
const currentKey = (campaignId: string) => ({ pk: POLICIES_PK, sk: campaignId });
const historyPk = (campaignId: string) => `POLICY#${campaignId}`;
const VERSION_DIGITS = 10;
const versionSk = (version: number) => `V#${String(version).padStart(VERSION_DIGITS, '0')}`;
const versionKey = (campaignId: string, version: number) => ({
  pk: historyPk(campaignId),
  sk: versionSk(version),
});
const skillKey = (skillId: number) => ({ pk: `SKILL#${skillId}`, sk: 'C' });

const currentItem = (stored: StoredPolicy) => ({ ...currentKey(stored.campaignId), ...stored });
const versionItem = (stored: StoredPolicy) => ({
  ...versionKey(stored.campaignId, stored.version),
  ...stored,
});
const claimItem = (policy: CampaignPolicy) => ({
  ...skillKey(policy.cxoneSkillId),
  skillId: policy.cxoneSkillId,
  campaignId: policy.campaignId,
});

/** The items a stored policy is (its current item, its version item, its skill claim): for seeding test tables. */
export function storedPolicyItems(stored: StoredPolicy): Record<string, unknown>[] {
  return [currentItem(stored), versionItem(stored), claimItem(stored.policy)];
}

// Cursors carry the last sort key of a page, never a partition key: a cursor cannot reach another partition.
const POLICY_CURSOR = 'p:';
const VERSION_CURSOR = 'v:';

function encodeCursor(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, prefix: string): string {
  const text = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith(prefix)) throw new InvalidCursorError();
  return text.slice(prefix.length);
}

function storedOf(item: Record<string, unknown>): StoredPolicy {
  return {
    campaignId: String(item.campaignId),
    version: Number(item.version),
    updatedAt: String(item.updatedAt),
    policy: item.policy as CampaignPolicy,
  };
}

function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

const FREE_OR_MINE = 'attribute_not_exists(pk) OR campaignId = :campaignId';

/** Campaign policies in the single table, every write a conditional transaction. */
export class DynamoPolicyStore implements PolicyStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = tableName;
  }

  async getPolicy(campaignId: string): Promise<StoredPolicy | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: currentKey(campaignId), ConsistentRead: true }),
    );
    return out.Item ? storedOf(out.Item) : undefined;
  }

  async listPolicies(page: PageRequest): Promise<Page<StoredPolicy>> {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, POLICY_CURSOR);
    if (after !== undefined && !IdSchema.safeParse(after).success) throw new InvalidCursorError();
    return this.page(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': POLICIES_PK },
        ...(after === undefined ? {} : { ExclusiveStartKey: currentKey(after) }),
      },
      page.limit,
      (item) => POLICY_CURSOR + String(item.sk),
    );
  }

  async listVersions(campaignId: string, page: PageRequest): Promise<Page<StoredPolicy>> {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, VERSION_CURSOR);
    if (after !== undefined && !/^[1-9]\d{0,9}$/.test(after)) throw new InvalidCursorError();
    return this.page(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': historyPk(campaignId), ':prefix': 'V#' },
        ScanIndexForward: false,
        ...(after === undefined ? {} : { ExclusiveStartKey: versionKey(campaignId, Number(after)) }),
      },
      page.limit,
      (item) => VERSION_CURSOR + String(item.version),
    );
  }

  /** One more item than the page holds is read, so that the last page has no cursor. */
  private async page(
    query: Omit<QueryCommandInput, 'TableName'>,
    limit: number,
    cursorOf: (item: Record<string, unknown>) => string,
  ): Promise<Page<StoredPolicy>> {
    const out = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, ConsistentRead: true, Limit: limit + 1, ...query }),
    );
    const items = out.Items ?? [];
    const kept = items.slice(0, limit);
    const last = kept.at(-1);
    // More items than the page, or a read that stopped early (DynamoDB's 1 MB per Query): there is a next page.
    const more = items.length > limit || (out.LastEvaluatedKey !== undefined && items.length < limit);
    return {
      items: kept.map(storedOf),
      ...(more && last ? { nextCursor: encodeCursor(cursorOf(last)) } : {}),
    };
  }

  async skillOwner(skillId: number): Promise<string | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: skillKey(skillId), ConsistentRead: true }),
    );
    return out.Item ? String(out.Item.campaignId) : undefined;
  }

  private async lastVersion(campaignId: string): Promise<number> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': historyPk(campaignId), ':prefix': 'V#' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Number(out.Items?.[0]?.version ?? 0);
  }

  async createPolicy(policy: CampaignPolicy, at: string): Promise<PolicyWriteOutcome> {
    const version = (await this.lastVersion(policy.campaignId)) + 1;
    const stored: StoredPolicy = { campaignId: policy.campaignId, version, updatedAt: at, policy };
    return this.write(stored, [
      this.putCurrent(stored, 'attribute_not_exists(pk)'),
      this.putVersion(stored),
      this.claimSkill(policy),
    ]);
  }

  async replacePolicy(
    expected: StoredPolicy,
    policy: CampaignPolicy,
    at: string,
  ): Promise<PolicyWriteOutcome> {
    const stored: StoredPolicy = {
      campaignId: expected.campaignId,
      version: expected.version + 1,
      updatedAt: at,
      policy,
    };
    const items = [
      this.putCurrent(stored, '#version = :expected', expected.version),
      this.putVersion(stored),
    ];
    if (expected.policy.cxoneSkillId !== policy.cxoneSkillId) {
      items.push(this.claimSkill(policy), this.releaseSkill(expected.policy));
    }
    return this.write(stored, items);
  }

  async deletePolicy(expected: StoredPolicy): Promise<{ deleted: boolean }> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: currentKey(expected.campaignId),
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expected.version },
              },
            },
            this.releaseSkill(expected.policy),
          ],
        }),
      );
      return { deleted: true };
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return { deleted: false };
      throw error;
    }
  }

  private putCurrent(stored: StoredPolicy, condition: string, expectedVersion?: number): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: currentItem(stored),
        ConditionExpression: condition,
        ...(expectedVersion === undefined
          ? {}
          : {
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      },
    };
  }

  private putVersion(stored: StoredPolicy): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: versionItem(stored),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private claimSkill(policy: CampaignPolicy): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: claimItem(policy),
        ConditionExpression: FREE_OR_MINE,
        ExpressionAttributeValues: { ':campaignId': policy.campaignId },
      },
    };
  }

  private releaseSkill(policy: CampaignPolicy): TransactItem {
    return {
      Delete: {
        TableName: this.tableName,
        Key: skillKey(policy.cxoneSkillId),
        ConditionExpression: FREE_OR_MINE,
        ExpressionAttributeValues: { ':campaignId': policy.campaignId },
      },
    };
  }

  /** Runs the transaction: the current item and the version first, the skill claim third. */
  private async write(stored: StoredPolicy, items: TransactItem[]): Promise<PolicyWriteOutcome> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'written', stored };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const failed = (index: number) => codes[index] === 'ConditionalCheckFailed';
      if (failed(0) || failed(1) || failed(3)) return { kind: 'precondition_failed' };
      if (failed(2)) {
        const heldBy = await this.skillOwner(stored.policy.cxoneSkillId);
        // Freed again since: a conflict of the moment, which the caller's retry resolves.
        return heldBy === undefined ? { kind: 'precondition_failed' } : { kind: 'skill_taken', heldBy };
      }
      throw error;
    }
  }
}
