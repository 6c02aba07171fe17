// The PolicyStore contract (test/support/policy-store-contract.ts) on the real DynamoDB adapter over moto: the
// conditional transactions, cancellation reasons and Query paging as DynamoDB answers them, and two writers racing
// on one version of which exactly one wins. Each test gets a table of its own, keyed like infra/table.yml.
import { DynamoPolicyStore } from '../../lib/adapters/dynamo-policy-store.ts';
import { useMotoTables } from '../support/moto-tables.ts';
import { policyStoreContract } from '../support/policy-store-contract.ts';

const moto = useMotoTables('policies');

policyStoreContract('DynamoPolicyStore over moto', async () => {
  const tableName = await moto.newTable();
  return new DynamoPolicyStore(moto.dynamodb, tableName);
});
