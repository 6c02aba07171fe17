import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoRateBudget, ratePk } from '../../../lib/adapters/dynamo-rate-budget.ts';

const TABLE = 'assignments-test';
const TENANT = 'https://auth.example|tenant-1';
const ddb = mockClient(DynamoDBDocumentClient);
const budget = () => new DynamoRateBudget(new DynamoDBClient({ region: 'us-east-1' }), TABLE);
const claim = {
  tenantKey: TENANT,
  slot: 1_700_000_000,
  wanted: 3,
  limit: 20,
  from: 0,
  expiresAt: 1_700_000_300,
};

function refused(used?: number) {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(used === undefined ? {} : { Item: { used: { N: String(used) } } }),
  });
}

beforeEach(() => ddb.reset());

describe('DynamoRateBudget', () => {
  it('claims with one conditional ADD on the slot item of the tenant’s hashed partition', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { used: 7 } });
    expect(await budget().claim(claim)).toEqual({ granted: 3, usedAfter: 7 });
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: TABLE,
      Key: { pk: ratePk(TENANT), sk: 'S#1700000000' },
      UpdateExpression: 'ADD used :n SET expiresAt = if_not_exists(expiresAt, :ttl)',
      ReturnValues: 'ALL_NEW',
      ConditionExpression: 'attribute_not_exists(used) OR used <= :most',
      ExpressionAttributeValues: { ':n': 3, ':ttl': 1_700_000_300, ':most': 17 },
    });
    expect(ratePk(TENANT)).toMatch(/^RATE#[0-9a-f]{32}$/);
    expect(ratePk(TENANT)).not.toContain('tenant-1');
  });

  it('asks for what is left when the slot cannot give all, and nothing more when it is full', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(refused(18))
      .resolvesOnce({ Attributes: { used: 20 } });
    expect(await budget().claim(claim)).toEqual({ granted: 2, usedAfter: 20 });
    expect(ddb.commandCalls(UpdateCommand)[1]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':n': 2,
      ':most': 18,
    });
    ddb.reset();
    ddb.on(UpdateCommand).rejects(refused(20));
    expect((await budget().claim(claim)).granted).toBe(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('moves a counter behind the claim’s first fresh token up to it, granting from there', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(refused(4))
      .resolvesOnce({ Attributes: { used: 13 } });
    expect(await budget().claim({ ...claim, from: 10 })).toEqual({ granted: 3, usedAfter: 13 });
    const [add, skip] = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(add?.ConditionExpression).toBe('used BETWEEN :from AND :most');
    expect(skip).toMatchObject({
      UpdateExpression: 'SET used = :to, expiresAt = if_not_exists(expiresAt, :ttl)',
      ConditionExpression: 'attribute_not_exists(used) OR used < :from',
      ExpressionAttributeValues: { ':to': 13, ':from': 10 },
    });
  });

  it('reads the AIMD state, and stores a decrease only if none happened since the interval began', async () => {
    ddb.on(GetCommand).resolves({ Item: { floorRate: 16, decreasedAt: 5000 } });
    expect(await budget().readAimd(TENANT)).toEqual({ floorRate: 16, decreasedAt: 5000 });
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(refused());
    expect(await budget().decrease(TENANT, { floorRate: 12.8, decreasedAt: 7000 }, 6000, [])).toBe(true);
    expect(
      await budget().decrease(TENANT, { floorRate: 10, decreasedAt: 7100 }, 6100, [
        { slot: 7, expiresAt: 9 },
      ]),
    ).toBe(false);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: ratePk(TENANT), sk: 'AIMD' },
      ConditionExpression: 'attribute_not_exists(decreasedAt) OR decreasedAt <= :notAfter',
      ExpressionAttributeValues: { ':rate': 12.8, ':at': 7000, ':notAfter': 6000 },
    });
  });

  it('seeds a new slot with the claimer’s AIMD view and returns the slot’s own', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { used: 3, floorRate: 16, decreasedAt: 9000 } });
    const grant = await budget().claim({ ...claim, aimd: { floorRate: 20, decreasedAt: 8000 } });
    expect(grant).toEqual({ granted: 3, usedAfter: 3, aimd: { floorRate: 16, decreasedAt: 9000 } });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression:
        'ADD used :n SET expiresAt = if_not_exists(expiresAt, :ttl), floorRate = if_not_exists(floorRate, :seedRate), decreasedAt = if_not_exists(decreasedAt, :seedAt)',
      ExpressionAttributeValues: { ':seedRate': 20, ':seedAt': 8000 },
    });
  });

  it('copies a stored decrease into the given slots unless they hold a newer one', async () => {
    ddb.on(UpdateCommand).resolves({});
    const next = { floorRate: 12, decreasedAt: 7000 };
    expect(
      await budget().decrease(TENANT, next, 6500, [
        { slot: 7, expiresAt: 400 },
        { slot: 8, expiresAt: 401 },
      ]),
    ).toBe(true);
    const inputs = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.Key?.sk)).toEqual(['AIMD', 'S#7', 'S#8']);
    expect(inputs[1]).toMatchObject({
      ConditionExpression: 'attribute_not_exists(decreasedAt) OR decreasedAt < :at',
      ExpressionAttributeValues: { ':rate': 12, ':at': 7000, ':ttl': 400 },
    });
  });

  it('lets other DynamoDB errors through (the limiter falls back on them)', async () => {
    ddb.on(UpdateCommand).rejects(new Error('socket hang up'));
    await expect(budget().claim(claim)).rejects.toThrow('socket hang up');
  });
});
