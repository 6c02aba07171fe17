// The tenant's shared CXone rate budget on the service table. Items, all in the tenant's partition
// `RATE#<hash of the tenant key>` (the key holds the issuer and tenant/client id, so only a hash is stored):
// - sk `S#<slot>`: the slot's counter `used`, created by the first claim, deleted by TTL (`expiresAt`) minutes later;
// - sk `AIMD`: the tenant's rate after the last decrease (`floorRate`) and when it happened (`decreasedAt`).
// A claim is one conditional UpdateItem (ADD). When the refusal shows the counter behind the claim's `from` (stale
// tokens of an idle stretch, or a new slot), a conditional SET moves it up; when it shows fewer tokens left than
// asked for, another ADD asks for those; at most three calls after the first. Each call gives up after `timeoutMs` so a DynamoDB outage cannot stall CXone calls.
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AimdState, SharedRateBudget, SlotClaim, SlotGrant } from '../cxone/rate-budget.ts';

export const RATE_PK_PREFIX = 'RATE#';
export const ratePk = (tenantKey: string) =>
  `${RATE_PK_PREFIX}${createHash('sha256').update(tenantKey).digest('hex').slice(0, 32)}`;
const slotSk = (slot: number) => `S#${slot}`;
const AIMD_SK = 'AIMD';
/** Claims after a refusal that showed tokens left (another instance took some between the two). */
const MAX_CLAIM_RETRIES = 3;

export interface DynamoRateBudgetOptions {
  /** Per DynamoDB call; past it the call fails (and the limiter falls back). Default 1,000 ms. */
  timeoutMs?: number;
  /** Counts every DynamoDB call (the bench's cost row). */
  onCall?: (kind: 'claim' | 'read' | 'decrease') => void;
}

export class DynamoRateBudget implements SharedRateBudget {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly timeoutMs: number;
  private readonly onCall: DynamoRateBudgetOptions['onCall'];

  constructor(client: DynamoDBClient, tableName: string, options: DynamoRateBudgetOptions = {}) {
    this.doc = DynamoDBDocumentClient.from(client);
    this.tableName = tableName;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.onCall = options.onCall;
  }

  async claim(claim: SlotClaim): Promise<SlotGrant> {
    let attempt = await this.add(claim, claim.wanted);
    for (let retries = 0; retries < MAX_CLAIM_RETRIES && attempt.granted === 0; retries++) {
      if (attempt.usedNow === undefined || attempt.usedNow < claim.from) {
        attempt = await this.skipTo(claim);
        continue;
      }
      const left = Math.min(claim.wanted, claim.limit - attempt.usedNow);
      if (left <= 0) break;
      attempt = await this.add(claim, left);
    }
    return attempt.grant;
  }

  /** Adds `n` if the counter is between `from` and `limit - n` (absent counts as 0). */
  private add(claim: SlotClaim, n: number) {
    const counter =
      claim.from === 0 ? 'attribute_not_exists(used) OR used <= :most' : 'used BETWEEN :from AND :most';
    return this.update(claim, n, {
      UpdateExpression: 'ADD used :n SET expiresAt = if_not_exists(expiresAt, :ttl)',
      ConditionExpression: counter,
      ExpressionAttributeValues: {
        ':n': n,
        ':ttl': claim.expiresAt,
        ':most': claim.limit - n,
        ...(claim.from === 0 ? {} : { ':from': claim.from }),
      },
    });
  }

  /** The counter is behind `from` (stale tokens): set it to `from + wanted`, the tokens from `from` on granted. */
  private skipTo(claim: SlotClaim) {
    const n = Math.min(claim.wanted, claim.limit - claim.from);
    return this.update(claim, n, {
      UpdateExpression: 'SET used = :to, expiresAt = if_not_exists(expiresAt, :ttl)',
      ConditionExpression: 'attribute_not_exists(used) OR used < :from',
      ExpressionAttributeValues: { ':to': claim.from + n, ':ttl': claim.expiresAt, ':from': claim.from },
    });
  }

  private async update(
    claim: SlotClaim,
    n: number,
    expression: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'
    >,
  ) {
    this.onCall?.('claim');
    try {
      const answer = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: ratePk(claim.tenantKey), sk: slotSk(claim.slot) },
          ...expression,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
      const usedAfter = Number(answer.Attributes?.used);
      if (!Number.isFinite(usedAfter)) throw new Error('DynamoDB answered a claim without the counter');
      return { granted: n, usedNow: usedAfter, grant: { granted: n, usedAfter } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const used = error.Item?.used?.N;
      const usedNow = used === undefined ? undefined : Number(used);
      return { granted: 0, usedNow, grant: { granted: 0, usedAfter: usedNow ?? claim.limit } };
    }
  }

  async readAimd(tenantKey: string): Promise<AimdState | undefined> {
    this.onCall?.('read');
    const answer = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: ratePk(tenantKey), sk: AIMD_SK } }),
      { abortSignal: AbortSignal.timeout(this.timeoutMs) },
    );
    const item = answer.Item;
    if (!item || typeof item.floorRate !== 'number' || typeof item.decreasedAt !== 'number') return undefined;
    return { floorRate: item.floorRate, decreasedAt: item.decreasedAt };
  }

  async decrease(tenantKey: string, next: AimdState, notAfter: number): Promise<boolean> {
    this.onCall?.('decrease');
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: ratePk(tenantKey), sk: AIMD_SK },
          UpdateExpression: 'SET floorRate = :rate, decreasedAt = :at',
          ConditionExpression: 'attribute_not_exists(decreasedAt) OR decreasedAt <= :notAfter',
          ExpressionAttributeValues: {
            ':rate': next.floorRate,
            ':at': next.decreasedAt,
            ':notAfter': notAfter,
          },
        }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
