// The PolicyStore contract (test/support/policy-store-contract.ts) on the real DynamoDB adapter over moto: the
// conditional transactions, cancellation reasons and Query paging as DynamoDB answers them, and two writers racing
// on one version of which exactly one wins. Each test gets a table of its own, keyed like infra/table.yml.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { LOCAL_REGION, type MotoServer, startMoto } from '../../infra/local/moto.ts';
import { DynamoPolicyStore } from '../../lib/adapters/dynamo-policy-store.ts';
import { policyStoreContract } from '../support/policy-store-contract.ts';

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

policyStoreContract('DynamoPolicyStore over moto', async () => {
  const tableName = `policies-${++tables}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  return new DynamoPolicyStore(dynamodb, tableName);
});
