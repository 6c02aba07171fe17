// The PolicyStore contract (test/support/policy-store-contract.ts) on the in-memory fake the app tests use and on the
// DynamoDB adapter over the fake table the handler tests use; test/integration/dynamo-policy-store.test.ts runs it
// on the adapter over moto.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll } from 'vitest';
import { DynamoPolicyStore } from '../../../lib/adapters/dynamo-policy-store.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { InMemoryPolicyStore } from '../../support/in-memory-policy-store.ts';
import { policyStoreContract } from '../../support/policy-store-contract.ts';

const ddb = mockClient(DynamoDBDocumentClient);
afterAll(() => ddb.restore());

policyStoreContract('InMemoryPolicyStore', () => new InMemoryPolicyStore());
policyStoreContract('DynamoPolicyStore over the fake table', () => {
  ddb.reset();
  new FakeDynamoTable().install(ddb);
  return new DynamoPolicyStore(new DynamoDBClient({ region: 'us-east-1' }), 'table');
});
