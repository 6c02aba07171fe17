// The tenant's shared CXone rate budget on the service table. Items, all in the tenant's partition
// `RATE#<hash of the tenant key>` (the key holds the issuer and tenant/client id, so only a hash is stored):
// - sk `S#<slot>`: the slot's counter `used`, created by the first claim, deleted by TTL (`expiresAt`) minutes later,
//   with a copy of the AIMD state (seeded by the first claimer, overwritten by a newer decrease) that every claim
//   returns;
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
import type { AimdState, SharedRateBudget, SlotClaim, SlotGrant, SlotRef } from '../cxone/rate-budget.ts';

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
      UpdateExpression: `ADD used :n SET ${seedExpression(claim)}`,
      ConditionExpression: counter,
      ExpressionAttributeValues: {
        ':n': n,
        ':ttl': claim.expiresAt,
        ':most': claim.limit - n,
        ...(claim.from === 0 ? {} : { ':from': claim.from }),
        ...seedValues(claim),
      },
    });
  }

  /** The counter is behind `from` (stale tokens): set it to `from + wanted`, the tokens from `from` on granted. */
  private skipTo(claim: SlotClaim) {
    const n = Math.min(claim.wanted, claim.limit - claim.from);
    return this.update(claim, n, {
      UpdateExpression: `SET used = :to, ${seedExpression(claim)}`,
      ConditionExpression: 'attribute_not_exists(used) OR used < :from',
      ExpressionAttributeValues: {
        ':to': claim.from + n,
        ':ttl': claim.expiresAt,
        ':from': claim.from,
        ...seedValues(claim),
      },
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
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
      const usedAfter = Number(answer.Attributes?.used);
      if (!Number.isFinite(usedAfter)) throw new Error('DynamoDB answered a claim without the counter');
      const aimd = stateOf(answer.Attributes);
      return { granted: n, usedNow: usedAfter, grant: { granted: n, usedAfter, ...(aimd ? { aimd } : {}) } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const used = error.Item?.used?.N;
      const usedNow = used === undefined ? undefined : Number(used);
      const floorRate = error.Item?.floorRate?.N;
      const decreasedAt = error.Item?.decreasedAt?.N;
      const aimd = stateOf({ floorRate: Number(floorRate), decreasedAt: Number(decreasedAt) });
      return {
        granted: 0,
        usedNow,
        grant: { granted: 0, usedAfter: usedNow ?? claim.limit, ...(aimd ? { aimd } : {}) },
      };
    }
  }

  async readAimd(tenantKey: string): Promise<AimdState | undefined> {
    this.onCall?.('read');
    const answer = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: ratePk(tenantKey), sk: AIMD_SK } }),
      { abortSignal: AbortSignal.timeout(this.timeoutMs) },
    );
    return stateOf(answer.Item);
  }

  async decrease(tenantKey: string, next: AimdState, notAfter: number, slots: SlotRef[]): Promise<boolean> {
    if (!(await this.decreaseState(tenantKey, next, notAfter))) return false;
    await Promise.all(slots.map((slot) => this.copyToSlot(tenantKey, next, slot)));
    return true;
  }

  /** A slot gets the new state unless it already holds a newer one. */
  private async copyToSlot(tenantKey: string, next: AimdState, slot: SlotRef): Promise<void> {
    this.onCall?.('decrease');
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: ratePk(tenantKey), sk: slotSk(slot.slot) },
          UpdateExpression:
            'SET floorRate = :rate, decreasedAt = :at, expiresAt = if_not_exists(expiresAt, :ttl)',
          ConditionExpression: 'attribute_not_exists(decreasedAt) OR decreasedAt < :at',
          ExpressionAttributeValues: {
            ':rate': next.floorRate,
            ':at': next.decreasedAt,
            ':ttl': slot.expiresAt,
          },
        }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async decreaseState(tenantKey: string, next: AimdState, notAfter: number): Promise<boolean> {
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

function seedExpression(claim: SlotClaim): string {
  const ttl = 'expiresAt = if_not_exists(expiresAt, :ttl)';
  return claim.aimd
    ? `${ttl}, floorRate = if_not_exists(floorRate, :seedRate), decreasedAt = if_not_exists(decreasedAt, :seedAt)`
    : ttl;
}

function seedValues(claim: SlotClaim): Record<string, number> {
  return claim.aimd ? { ':seedRate': claim.aimd.floorRate, ':seedAt': claim.aimd.decreasedAt } : {};
}

function stateOf(item: Record<string, unknown> | undefined): AimdState | undefined {
  const floorRate = item?.floorRate;
  const decreasedAt = item?.decreasedAt;
  if (typeof floorRate !== 'number' || typeof decreasedAt !== 'number') return undefined;
  if (!Number.isFinite(floorRate) || !Number.isFinite(decreasedAt)) return undefined;
  return { floorRate, decreasedAt };
}
