// `node scripts/schedule-backfill.ts --stage <stage> [--region <region>] [--table <name>]`
// Once, after the first deploy of the minute scheduler on a stage that already had campaigns: puts every configured
// campaign without a schedule item into the due index, due now (lib/app/schedule-backfill.ts); the next tick
// re-plans them. Running it again changes nothing for campaigns already scheduled. Needs AWS credentials allowed
// dynamodb:Query and GetItem/UpdateItem on the stage's table.
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoPolicyStore } from '../lib/adapters/dynamo-policy-store.ts';
import { DynamoScheduleIndex } from '../lib/adapters/dynamo-schedule-index.ts';
import { backfillSchedules } from '../lib/app/schedule-backfill.ts';

const USAGE = 'usage: node scripts/schedule-backfill.ts --stage <stage> [--region <region>] [--table <name>]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stage: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' } },
  });
  const table = values.table ?? (values.stage ? `cxone-assignments-${values.stage}-assignments` : undefined);
  if (!table) {
    console.error(USAGE);
    return 2;
  }
  const client = new DynamoDBClient(values.region ? { region: values.region } : {});
  try {
    const report = await backfillSchedules(
      { policies: new DynamoPolicyStore(client, table), index: new DynamoScheduleIndex(client, table) },
      new Date(),
    );
    console.log(
      `table ${table}: ${report.scheduled.length} campaigns scheduled, ${report.kept.length} already were`,
    );
    return 0;
  } finally {
    client.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`schedule backfill failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
