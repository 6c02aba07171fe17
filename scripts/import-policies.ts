// `npm run policies:import -- --stage <stage> [--file <policies.json>] [--region <region>] [--table <name>]`
// Seeds a stage's policy table from a campaign policies file (default config/campaign-policies.json): every policy
// whose campaign has none yet is written as its first version; campaigns that have one are left alone, so running
// it again never undoes a change made through the API. The local stack runs the same import at every start. Needs
// AWS credentials allowed dynamodb:GetItem, Query and TransactWriteItems' PutItem on the stage's table.
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoPolicyStore } from '../lib/adapters/dynamo-policy-store.ts';
import { readPoliciesFile, SEED_POLICIES_FILE } from '../lib/adapters/policies-file.ts';
import { importPolicies } from '../lib/app/policies-import.ts';

/** The table serverless.yml names for a stage (infra/table.yml: `${service}-${stage}-assignments`). */
function tableNameOf(stage: string): string {
  return `cxone-assignments-${stage}-assignments`;
}

const USAGE =
  'usage: npm run policies:import -- --stage <stage> [--file <policies.json>] [--region <region>] [--table <name>]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      table: { type: 'string' },
      file: { type: 'string', default: SEED_POLICIES_FILE },
      region: { type: 'string' },
    },
  });
  const table = values.table ?? (values.stage ? tableNameOf(values.stage) : undefined);
  if (!table) {
    console.error(USAGE);
    return 2;
  }
  const policies = readPoliciesFile(values.file);
  const client = new DynamoDBClient(values.region ? { region: values.region } : {});
  try {
    const report = await importPolicies(new DynamoPolicyStore(client, table), policies, new Date());
    console.log(`table ${table}: ${policies.length} policies in ${values.file}`);
    for (const campaignId of report.created) console.log(`  created  ${campaignId}`);
    for (const campaignId of report.skipped)
      console.log(`  kept     ${campaignId} (it already has a policy)`);
    for (const conflict of report.conflicts) {
      console.error(
        `  refused  ${conflict.campaignId}: skill ${conflict.skillId} belongs to ${conflict.heldBy}`,
      );
    }
    return report.conflicts.length > 0 ? 1 : 0;
  } finally {
    client.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`policies:import failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
