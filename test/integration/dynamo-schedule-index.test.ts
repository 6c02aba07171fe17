// The ScheduleIndex contract (test/support/schedule-index-contract.ts) on the DynamoDB adapter over moto: the sparse
// DueIndex keyed like infra/table.yml, its range condition and paging as DynamoDB answers them.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { LOCAL_REGION, type MotoServer, startMoto } from '../../infra/local/moto.ts';
import { DUE_INDEX_NAME, DynamoScheduleIndex } from '../../lib/adapters/dynamo-schedule-index.ts';
import { scheduleIndexContract } from '../support/schedule-index-contract.ts';

let moto: MotoServer;
let dynamodb: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  moto = await startMoto();
  dynamodb = new DynamoDBClient({
    endpoint: moto.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 240_000);

afterAll(async () => {
  dynamodb?.destroy();
  await moto?.close();
});

/** A table keyed like infra/table.yml, with its sparse due index. */
async function createScheduleTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'dueShard', AttributeType: 'S' },
        { AttributeName: 'dueAt', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: DUE_INDEX_NAME,
          KeySchema: [
            { AttributeName: 'dueShard', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['campaignId', 'lastDriftCheckAt'] },
        },
      ],
    }),
  );
}

scheduleIndexContract('DynamoScheduleIndex over moto', async () => {
  const tableName = `schedule-${++tables}`;
  await createScheduleTable(dynamodb, tableName);
  return new DynamoScheduleIndex(dynamodb, tableName);
});
