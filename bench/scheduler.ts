// Scheduler bench (docs/performance.md §6): (a) the work of one tick, with the real scheduler code
// (queueDueCampaigns over DynamoScheduleIndex and SqsCampaignDueQueue) against moto, with 50 campaigns configured and
// with 10,000 configured, 50 due in both; (b) activation lag on the local stack: agents whose windows open at the
// next minutes, from the opening to the sandbox showing isActive true. Runnable alone: `node bench/scheduler.ts`
// (BENCH_QUICK=1 for a small run).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_REGION, startMoto } from '../infra/local/moto.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { DUE_INDEX_NAME, DynamoScheduleIndex, dueShardOf } from '../lib/adapters/dynamo-schedule-index.ts';
import { SqsCampaignDueQueue } from '../lib/adapters/sqs-queues.ts';
import { queueDueCampaigns } from '../lib/app/scheduler.ts';
import { median, percentile } from './stats.ts';

export interface TickSample {
  configured: number;
  due: number;
  /** Median wall time of one tick. */
  medianMs: number;
  /** Median wall time of the due-index queries alone (the tick's read). */
  queryMs: number;
  /** Items DynamoDB read for the tick (ScannedCount of the index queries). */
  itemsRead: number;
  dynamoCalls: number;
  sqsCalls: number;
}

export interface SchedulerBenchResult {
  ticks: TickSample[];
  /** ms from each window's opening to the sandbox showing the agent active. */
  lagsMs: number[];
}

export interface SchedulerBenchConfig {
  configured: number[];
  due: number;
  rounds: number;
  lag: { campaigns: number; minutes: number };
}

const MINUTE = 60_000;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function createTable(dynamodb: DynamoDBClient, tableName: string) {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'dueShard', 'dueAt'].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
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

function scheduleItem(campaignId: string, dueAt: string) {
  return {
    PutRequest: {
      Item: {
        pk: { S: `CAMPAIGN#${campaignId}` },
        sk: { S: 'D' },
        campaignId: { S: campaignId },
        dueShard: { S: dueShardOf(campaignId) },
        dueAt: { S: dueAt },
        lastDriftCheckAt: { S: dueAt },
      },
    },
  };
}

async function putSchedules(
  dynamodb: DynamoDBClient,
  tableName: string,
  items: ReturnType<typeof scheduleItem>[],
) {
  const batches = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches
        .slice(i, i + 8)
        .map((batch) => dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }))),
    );
  }
}

/** One table of `configured` scheduled campaigns, `due` of them due at `now`, the others in the next hours. */
async function tickBench(
  motoUrl: string,
  configured: number,
  due: number,
  rounds: number,
  log: (line: string) => void,
): Promise<TickSample> {
  const counts = { items: 0, dynamo: 0, sqs: 0 };
  const dynamodb = new DynamoDBClient({ endpoint: motoUrl, region: LOCAL_REGION, credentials });
  dynamodb.middlewareStack.add(
    (next) => async (args) => {
      counts.dynamo += 1;
      const result = await next(args);
      const scanned = (result.output as { ScannedCount?: number }).ScannedCount;
      if (typeof scanned === 'number') counts.items += scanned;
      return result;
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  const sqs = new SQSClient({ endpoint: motoUrl, region: LOCAL_REGION, credentials });
  sqs.middlewareStack.add(
    (next) => async (args) => {
      counts.sqs += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  const tableName = `scheduler-bench-${configured}`;
  await createTable(dynamodb, tableName);
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `scheduler-bench-${configured}` })))
    .QueueUrl;
  if (!queueUrl) throw new Error('moto created no queue');
  const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
  const dueIds = Array.from({ length: due }, (_, i) => `due-${i}`);
  const later = Array.from({ length: configured - due }, (_, i) =>
    scheduleItem(`later-${i}`, new Date(now.getTime() + (1 + (i % 600)) * MINUTE).toISOString()),
  );
  log(`scheduler: seeding ${configured} scheduled campaigns`);
  await putSchedules(dynamodb, tableName, later);
  const index = new DynamoScheduleIndex(dynamodb, tableName);
  const queue = new SqsCampaignDueQueue(sqs, queueUrl);
  const samples: number[] = [];
  const querySamples: number[] = [];
  for (let round = 0; round < rounds + 1; round++) {
    await putSchedules(
      dynamodb,
      tableName,
      dueIds.map((id) => scheduleItem(id, now.toISOString())),
    );
    const queryStarted = performance.now();
    await index.due(now);
    if (round > 0) querySamples.push(performance.now() - queryStarted);
    Object.assign(counts, { items: 0, dynamo: 0, sqs: 0 });
    const started = performance.now();
    const result = await queueDueCampaigns({ index, queue, clock: { now: () => now } });
    const ms = performance.now() - started;
    if (result.due !== due) throw new Error(`tick found ${result.due} due, expected ${due}`);
    if (round > 0) samples.push(ms); // the first tick warms connections
  }
  const sample = {
    configured,
    due,
    medianMs: median(samples),
    queryMs: median(querySamples),
    itemsRead: counts.items,
    dynamoCalls: counts.dynamo,
    sqsCalls: counts.sqs,
  };
  dynamodb.destroy();
  sqs.destroy();
  return sample;
}

const utcHhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** Campaigns whose agents' windows open at each of the next minutes; the lag of each opening. */
async function lagBench(config: SchedulerBenchConfig['lag'], log: (line: string) => void): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'scheduler-bench-'));
  const campaigns = Array.from({ length: config.campaigns }, (_, i) => ({
    campaignId: `bench-lag-${i}`,
    skillId: 4503000 + i,
  }));
  const around = { start: utcHhmm(Date.now() - 180 * MINUTE), end: utcHhmm(Date.now() + 180 * MINUTE) };
  const file = join(dir, 'policies.json');
  await writeFile(
    file,
    JSON.stringify(
      campaigns.map(({ campaignId, skillId }) => ({
        campaignId,
        cxoneSkillId: skillId,
        timezone: 'UTC',
        callingHours: around,
        allowedAgentTimezones: ['UTC'],
        minWindowOverlapMinutes: 1,
        maxAgents: 10,
        maxConcurrentCallsPerAgent: 2,
        requiredSkills: ['preview-qualified'],
        callRateTarget: 8.5,
        capacityThreshold: 0.3,
      })),
    ),
  );
  log('scheduler: starting the local stack for the activation lag');
  const stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    extraPoliciesFile: file,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', CXONE_RATE_LIMIT_PER_SECOND: '100' },
  });
  try {
    const first = Math.ceil((Date.now() + 25_000) / MINUTE) * MINUTE;
    const openings = Array.from({ length: config.minutes }, (_, k) => first + k * MINUTE);
    // Agent n of campaign c opens at openings[n]; each window lasts two hours.
    const expected = new Map<string, { skillId: number; opensAt: number }>();
    for (const [c, { campaignId, skillId }] of campaigns.entries()) {
      const agents = openings.map((opensAt, n) => {
        const userId = `agent-uuid-${String(100 + c * config.minutes + n).padStart(3, '0')}`;
        expected.set(`${skillId}|${userId}`, { skillId, opensAt });
        return {
          userId,
          skills: ['preview-qualified'],
          availabilityWindow: {
            start: utcHhmm(opensAt),
            end: utcHhmm(opensAt + 120 * MINUTE),
            timezone: 'UTC',
          },
          maxConcurrentCalls: 1,
        };
      });
      const response = await fetch(`${stack.apiUrl}/campaigns/${campaignId}/agents`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agents }),
      });
      if (response.status !== 202) throw new Error(`submission answered ${response.status}`);
    }
    log(`scheduler: ${expected.size} windows opening over ${config.minutes} minute(s)`);
    const lags = new Map<string, number>();
    const deadline = openings.at(-1) ?? first;
    while (lags.size < expected.size && Date.now() < deadline + 60_000) {
      const state = (await (await fetch(`${stack.cxoneUrl}/sandbox/state`)).json()) as {
        skills: Record<string, Array<{ userId: string; isActive: boolean }>>;
      };
      const seenAt = Date.now();
      for (const [key, { skillId, opensAt }] of expected) {
        if (lags.has(key)) continue;
        const member = state.skills[String(skillId)]?.find((m) => `${skillId}|${m.userId}` === key);
        if (member?.isActive) {
          if (seenAt < opensAt) throw new Error(`${key} active before its window opened`);
          lags.set(key, seenAt - opensAt);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (lags.size < expected.size)
      throw new Error(`${expected.size - lags.size} agent(s) never became active`);
    return [...lags.values()];
  } finally {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runSchedulerBench(
  config: SchedulerBenchConfig,
  log: (line: string) => void,
): Promise<SchedulerBenchResult> {
  const moto = await startMoto({ port: 0 });
  const ticks: TickSample[] = [];
  try {
    for (const configured of config.configured) {
      ticks.push(await tickBench(moto.url, configured, config.due, config.rounds, log));
    }
  } finally {
    await moto.close();
  }
  const lagsMs = await lagBench(config.lag, log);
  return { ticks, lagsMs };
}

export const SCHEDULER_BENCH_CONFIG = {
  quick: { configured: [50, 2_000], due: 50, rounds: 3, lag: { campaigns: 3, minutes: 1 } },
  full: { configured: [50, 10_000], due: 50, rounds: 10, lag: { campaigns: 5, minutes: 3 } },
} satisfies Record<string, SchedulerBenchConfig>;

export function summarize(result: SchedulerBenchResult) {
  return {
    p50LagMs: percentile(result.lagsMs, 50),
    p99LagMs: percentile(result.lagsMs, 99),
    ratio: (result.ticks.at(-1)?.medianMs ?? Number.NaN) / (result.ticks[0]?.medianMs ?? Number.NaN),
  };
}

/** The line a child run prints its result on (the in-process handlers print EMF lines on stdout too). */
export const RESULT_MARKER = 'SCHEDULER_BENCH_RESULT ';

if (import.meta.main) {
  const config = process.env.BENCH_QUICK === '1' ? SCHEDULER_BENCH_CONFIG.quick : SCHEDULER_BENCH_CONFIG.full;
  const result = await runSchedulerBench(config, (line) => process.stderr.write(`[bench] ${line}\n`));
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify({ ...result, ...summarize(result) })}\n`);
}
