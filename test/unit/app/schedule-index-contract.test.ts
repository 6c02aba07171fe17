// The ScheduleIndex contract (test/support/schedule-index-contract.ts) on the in-memory fake the app tests use and
// on the DynamoDB adapter over the fake table the handler tests use; test/integration/dynamo-schedule-index.test.ts
// runs it on the adapter over moto.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll } from 'vitest';
import { DynamoScheduleIndex } from '../../../lib/adapters/dynamo-schedule-index.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { InMemoryScheduleIndex } from '../../support/in-memory-schedule-index.ts';
import { scheduleIndexContract } from '../../support/schedule-index-contract.ts';

const ddb = mockClient(DynamoDBDocumentClient);
afterAll(() => ddb.restore());

scheduleIndexContract('InMemoryScheduleIndex', () => new InMemoryScheduleIndex());
scheduleIndexContract('DynamoScheduleIndex over the fake table', () => {
  ddb.reset();
  new FakeDynamoTable().install(ddb);
  return new DynamoScheduleIndex(new DynamoDBClient({ region: 'us-east-1' }), 'table');
});
