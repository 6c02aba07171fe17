// moto for the DynamoDB adapter tests: one server per test file, a client on it, and a fresh table keyed like
// infra/table.yml (pk, sk strings) for each test that asks.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { LOCAL_REGION, type MotoServer, startMoto } from '../../infra/local/moto.ts';

export interface MotoTables {
  /** The client on this file's moto (valid from beforeAll on). */
  readonly dynamodb: DynamoDBClient;
  /** Creates an empty table `<prefix>-<n>` and returns its name. */
  newTable(): Promise<string>;
}

/** Starts moto before the file's tests and stops it after them (call at the top level of a test file). */
export function useMotoTables(prefix: string): MotoTables {
  let moto: MotoServer | undefined;
  let client: DynamoDBClient | undefined;
  let tables = 0;
  beforeAll(async () => {
    moto = await startMoto();
    client = new DynamoDBClient({
      endpoint: moto.url,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }, 240_000);
  afterAll(async () => {
    client?.destroy();
    await moto?.close();
  });
  const dynamodb = () => {
    if (!client) throw new Error('moto is not started yet: use the client inside tests or hooks');
    return client;
  };
  return {
    get dynamodb() {
      return dynamodb();
    },
    async newTable() {
      const tableName = `${prefix}-${++tables}`;
      await dynamodb().send(
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
      return tableName;
    },
  };
}
