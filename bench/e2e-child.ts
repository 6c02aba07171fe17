// §4 End-to-end latency, run in its own process by e2e.ts (a process holds one local stack, and the handlers'
// log lines on this process's stdout are what e2e.ts counts for the log-ingestion cost). Usage:
//   node bench/e2e-child.ts <result file> '<E2eOptions JSON>'
// stdout carries only the handlers' log lines and two markers around the measured phase.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startLocalStack } from '../infra/local/stack.ts';
import { pack, unpack } from '../lib/adapters/dynamo-packed.ts';
import type { CampaignPolicy } from '../lib/domain/schemas.ts';
import { dynamoItemBytes, jsonItemBytes } from './dynamo-size.ts';
import { E2E_MARKER_END, E2E_MARKER_START, type E2eChildResult, type E2eOptions } from './e2e-protocol.ts';

class E2eError extends Error {
  override name = 'E2eError';
}

const FINAL = new Set(['applied', 'partially_applied', 'rejected', 'failed', 'superseded']);
const SANDBOX_AGENTS = 200;
const userId = (n: number) => `agent-uuid-${String(n).padStart(3, '0')}`;

/**
 * UTC hours from 2 h before the run to 6 h after it (overnight when it crosses midnight): every agent is active
 * for the whole run, whatever time of day the bench starts.
 */
function hoursAroundNow(): { start: string; end: string } {
  const now = new Date();
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  const hhmm = (m: number) => {
    const wrapped = (m + 1440) % 1440;
    return `${String(Math.floor(wrapped / 60)).padStart(2, '0')}:${String(wrapped % 60).padStart(2, '0')}`;
  };
  return { start: hhmm(minutes - 120), end: hhmm(minutes + 360) };
}
const RUN_HOURS = hoursAroundNow();

function policies(count: number, agentsPerCampaign: number): CampaignPolicy[] {
  return Array.from({ length: count }, (_, i) => ({
    campaignId: `bench-e2e-${String(i + 1).padStart(2, '0')}`,
    cxoneSkillId: 4_900_001 + i,
    timezone: 'UTC',
    callingHours: RUN_HOURS,
    allowedAgentTimezones: ['UTC'],
    minWindowOverlapMinutes: 60,
    maxAgents: agentsPerCampaign,
    maxConcurrentCallsPerAgent: 2,
    requiredSkills: ['preview-qualified'],
    callRateTarget: 8.5,
    capacityThreshold: 0.3,
  }));
}

/**
 * Assignment `round` of a campaign: agentsPerCampaign − 1 fixed agents plus one that changes every round, so each
 * measured assignment is one removal and one addition in CXone (2 agent changes, 3 webhooks).
 */
function submission(round: number, agentsPerCampaign: number): string {
  const ids = [...Array.from({ length: agentsPerCampaign - 1 }, (_, i) => i + 1), agentsPerCampaign + round];
  return JSON.stringify({
    agents: ids.map((n) => ({
      userId: userId(((n - 1) % SANDBOX_AGENTS) + 1),
      skills: ['preview-qualified', 'sales'],
      availabilityWindow: { ...RUN_HOURS, timezone: 'UTC' },
      maxConcurrentCalls: 1,
      recentCallRate: 1.5,
    })),
    callRateTarget: 8.5,
  });
}

interface AssignmentView {
  assignmentId: string;
  campaignId: string;
  status: string;
  submittedAt: string;
  updatedAt: string;
  latency?: { queueWaitMs: number; cxoneMs: number; totalMs: number };
  result?: { cxoneReads: number; cxoneWrites: number };
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as T };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Invocation {
  fn: string;
  ms: number;
  records: number;
}

/**
 * Times every invocation of the already loaded handler modules: the same module instances the stack invokes (same
 * file URL), with a middy middleware added at run time. Added last, it times the handler body; the other
 * middlewares' steps run outside it, so the figure slightly underestimates the billed duration.
 */
async function timeHandlers(measuring: () => boolean, invocations: Invocation[]): Promise<void> {
  const files = ['submit-assignment', 'dispatch-assignments', 'deliver-wfm-webhook'];
  for (const name of files) {
    const module = (await import(new URL(`../functions/${name}.ts`, import.meta.url).href)) as {
      handler: { use(middleware: object): unknown };
    };
    const started = new WeakMap<object, number>();
    const done = (request: { event: { Records?: unknown[] } }) => {
      const at = started.get(request);
      if (at === undefined || !measuring()) return;
      invocations.push({ fn: name, ms: performance.now() - at, records: request.event.Records?.length ?? 1 });
    };
    module.handler.use({
      before: (request: object) => void started.set(request, performance.now()),
      after: done,
      onError: done,
    });
  }
}

/** Samples the round trip of one DynamoDB GetItem to moto while `active()`: the local price of each AWS call. */
function probeAwsLatency(
  client: DynamoDBClient,
  table: string,
  key: string,
  active: () => boolean,
): () => Promise<number[]> {
  const samples: number[] = [];
  const loop = (async () => {
    while (active()) {
      const started = performance.now();
      const answered = await client
        .send(
          new GetItemCommand({
            TableName: table,
            Key: { pk: { S: key }, sk: { S: 'S' } },
            ConsistentRead: true,
          }),
        )
        .then(
          () => true,
          () => false,
        );
      // Stops quietly when the stack goes away (a failed run): the run's own error is the one to report.
      if (!answered) return;
      samples.push(performance.now() - started);
      await sleep(250);
    }
  })();
  return async () => {
    await loop;
    return samples;
  };
}

interface Webhook {
  receivedAt: number;
  type: string;
  assignmentId: string;
  bytes: number;
  event: unknown;
}

async function receivedWebhooks(wfmUrl: string): Promise<Webhook[]> {
  const { body } = await json<{ receivedAt: string; body: string }[]>(`${wfmUrl}/received`);
  return body.map((hook) => {
    const event = JSON.parse(hook.body) as { type: string; data: { assignmentId: string } };
    return {
      receivedAt: Date.parse(hook.receivedAt),
      type: event.type,
      assignmentId: event.data.assignmentId,
      bytes: Buffer.byteLength(hook.body),
      event,
    };
  });
}

/**
 * Waits until every assignment in `ids` has its final event and the list stops growing (the per-agent events).
 * The receiver runs in the stack's process and answers with every webhook so far: ask every 2 s, not more.
 */
async function settledWebhooks(wfmUrl: string, ids: Set<string>): Promise<Webhook[]> {
  const deadline = Date.now() + 180_000;
  let count = -1;
  for (;;) {
    const hooks = await receivedWebhooks(wfmUrl);
    const finals = new Set(hooks.filter((h) => h.type.includes('.assignment.')).map((h) => h.assignmentId));
    if ([...ids].every((id) => finals.has(id)) && hooks.length === count) return hooks;
    if (Date.now() > deadline) throw new E2eError(`final webhooks missing after 180 s`);
    count = hooks.length;
    await sleep(2000);
  }
}

async function main(): Promise<void> {
  const [resultFile, optionsJson] = process.argv.slice(2);
  if (!resultFile || !optionsJson)
    throw new E2eError('usage: node bench/e2e-child.ts <result file> <options>');
  const options = JSON.parse(optionsJson) as E2eOptions;
  const dir = await mkdtemp(join(tmpdir(), 'cxone-assignments-bench-e2e-'));
  const policiesFile = join(dir, 'policies.json');
  const campaigns = policies(options.campaigns, options.agentsPerCampaign);
  await writeFile(policiesFile, JSON.stringify(campaigns));
  const stackLog: string[] = [];
  const stack = await startLocalStack({
    extraPoliciesFile: policiesFile,
    rebalanceIntervalSeconds: 86_400,
    sqsConcurrency: options.dispatchConcurrency,
    // The CXone ceiling is serverless.yml's (cxoneRateLimitPerSecond), one for the tenant, shared by every instance
    // through the table as deployed.
    log: (line) => stackLog.push(line),
  });
  const table = stack.functions.find((fn) => fn.environment.TABLE_NAME)?.environment.TABLE_NAME ?? '';
  const dynamo = new DynamoDBClient({
    endpoint: stack.motoUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let measuring = false;
  let failure: Error | undefined;
  const invocations: Invocation[] = [];
  const headers = { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' };

  /**
   * PUTs like a careful caller: with an Idempotency-Key, repeating what the API calls safe to retry (5xx) or still
   * in flight (409); then polls GET /assignments/{id} every 500 ms until the status is final (the latency figures
   * come from the server's own timestamps, so the polling interval only paces the next submission).
   */
  async function submitAndWait(campaignId: string, round: number) {
    const sent = performance.now();
    let retries = 0;
    let put: { status: number; body: { assignmentId: string } };
    for (;;) {
      if (failure) throw failure;
      put = await json<{ assignmentId: string }>(`${stack.apiUrl}/campaigns/${campaignId}/agents`, {
        method: 'PUT',
        headers: { ...headers, 'idempotency-key': `bench-${campaignId}-${round}` },
        body: submission(round, options.agentsPerCampaign),
      });
      const retryable = put.status >= 500 || put.status === 409;
      if (!retryable || performance.now() - sent > 90_000) break;
      retries++;
      await sleep(1000 * Math.min(retries, 5));
    }
    const putMs = performance.now() - sent;
    if (put.status !== 202 && put.status !== 200) {
      throw new E2eError(
        `PUT answered ${put.status} (after ${retries} retries): ${JSON.stringify(put.body)}`,
      );
    }
    const { assignmentId } = put.body;
    const deadline = Date.now() + 180_000;
    for (;;) {
      await sleep(500);
      if (failure) throw failure;
      const got = await json<AssignmentView>(`${stack.apiUrl}/assignments/${assignmentId}`, { headers });
      if (got.status === 200 && FINAL.has(got.body.status)) {
        return { view: got.body, putMs, retries, idempotencyKey: `bench-${campaignId}-${round}` };
      }
      if (Date.now() > deadline) throw new E2eError(`${assignmentId} not final after 180 s`);
    }
  }

  /** Stops every other campaign's loop once one fails, so nothing keeps calling a stack that is shutting down. */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      failure ??= error as Error;
      throw error;
    }
  }

  try {
    await timeHandlers(() => measuring, invocations);
    // Warm-up: each campaign gets its agents (not measured; also warms the handlers and the CXone client).
    const warm = await Promise.all(campaigns.map((c) => guarded(() => submitAndWait(c.campaignId, 0))));
    await settledWebhooks(stack.wfmUrl, new Set(warm.map((w) => w.view.assignmentId)));

    process.stdout.write(`${E2E_MARKER_START}\n`);
    measuring = true;
    const awsSamples = probeAwsLatency(
      dynamo,
      table,
      `CAMPAIGN#${campaigns[0]!.campaignId}`,
      () => measuring,
    );
    const started = Date.now();
    const measured = (
      await Promise.all(
        campaigns.map((c) =>
          guarded(async () => {
            const runs = [];
            for (let round = 1; round <= options.assignmentsPerCampaign; round++) {
              runs.push(await submitAndWait(c.campaignId, round));
            }
            return runs;
          }),
        ),
      )
    ).flat();
    const hooks = await settledWebhooks(stack.wfmUrl, new Set(measured.map((m) => m.view.assignmentId)));
    measuring = false;
    const wallMs = Date.now() - started;
    process.stdout.write(`${E2E_MARKER_END}\n`);

    const result = await summarize({
      measured,
      hooks,
      wallMs,
      invocations,
      awsCallMs: await awsSamples(),
      requests: (await json<SandboxRequest[]>(`${stack.cxoneUrl}/sandbox/requests`)).body,
      item: async (pk: string, sk: string) => {
        const out = await dynamo.send(
          new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } } }),
        );
        return out.Item;
      },
    });
    await writeFile(resultFile, JSON.stringify(result));
  } finally {
    measuring = false;
    dynamo.destroy();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
    if (failure) process.stderr.write(`${stackLog.slice(-50).join('\n')}\n`);
  }
}

interface SandboxRequest {
  at: string;
  method: string;
  status: number;
  correlationId: string | null;
}

async function summarize(run: {
  measured: { view: AssignmentView; putMs: number; retries: number; idempotencyKey: string }[];
  hooks: Webhook[];
  wallMs: number;
  invocations: Invocation[];
  awsCallMs: number[];
  requests: SandboxRequest[];
  item: (pk: string, sk: string) => Promise<Record<string, AttributeValue> | undefined>;
}): Promise<E2eChildResult> {
  // The last CXone write answered 2xx for each assignment (the client sends the assignmentId as CorrelationId).
  const writeAcks = new Map<string, number>();
  for (const r of run.requests) {
    if (r.method === 'GET' || r.status < 200 || r.status >= 300 || !r.correlationId) continue;
    writeAcks.set(r.correlationId, Math.max(writeAcks.get(r.correlationId) ?? 0, Date.parse(r.at)));
  }
  const finalAt = new Map<string, number>();
  for (const hook of run.hooks) {
    if (hook.type.includes('.assignment.') && !finalAt.has(hook.assignmentId))
      finalAt.set(hook.assignmentId, hook.receivedAt);
  }
  const ids = new Set(run.measured.map((m) => m.view.assignmentId));
  const hooks = run.hooks.filter((h) => ids.has(h.assignmentId));
  const last = run.measured.at(-1)!;
  const sample = last.view;
  return {
    wallMs: run.wallMs,
    putRetries: run.measured.reduce((total, m) => total + m.retries, 0),
    assignments: run.measured.map(({ view, putMs }) => {
      const submittedAt = Date.parse(view.submittedAt);
      const ack = writeAcks.get(view.assignmentId);
      const hook = finalAt.get(view.assignmentId);
      return {
        status: view.status,
        putMs,
        queueWaitMs: view.latency?.queueWaitMs ?? Number.NaN,
        cxoneMs: view.latency?.cxoneMs ?? Number.NaN,
        totalMs: view.latency?.totalMs ?? Number.NaN,
        acceptedToWriteMs: ack === undefined ? Number.NaN : ack - submittedAt,
        acceptedToWebhookMs: hook === undefined ? Number.NaN : hook - submittedAt,
        cxoneReads: view.result?.cxoneReads ?? 0,
        cxoneWrites: view.result?.cxoneWrites ?? 0,
      };
    }),
    webhooksPerAssignment: hooks.length / run.measured.length,
    eventBytesPerAssignment: hooks.reduce((total, h) => total + h.bytes, 0) / run.measured.length,
    invocations: run.invocations,
    awsCallMs: run.awsCallMs,
    ...(await itemSizes(
      run.item,
      sample,
      last.idempotencyKey,
      hooks.filter((h) => h.assignmentId === sample.assignmentId).map((h) => h.event),
    )),
  };
}

/**
 * The sizes of the items one assignment left (read back from moto), and of the same data in the previous layout (the
 * desired state inside the assignment and campaign items, plain lists, the counter on the campaign item).
 */
async function itemSizes(
  item: (pk: string, sk: string) => Promise<Record<string, AttributeValue> | undefined>,
  sample: AssignmentView,
  idempotencyKey: string,
  events: unknown[],
): Promise<Pick<E2eChildResult, 'itemBytes' | 'previousItemBytes'>> {
  const size = (found: Record<string, AttributeValue> | undefined) =>
    found ? dynamoItemBytes(found) : Number.NaN;
  const campaignPk = `CAMPAIGN#${sample.campaignId}`;
  const status = await item(`ASSIGNMENT#${sample.assignmentId}`, 'A');
  const desiredItem = await item(`ASSIGNMENT#${sample.assignmentId}`, 'D');
  const campaign = await item(campaignPk, 'S');
  const counter = await item(campaignPk, 'N');
  const packed = (value: AttributeValue | undefined) => unpack(value?.B);
  const desired = packed(desiredItem?.desired);
  const { lastApplied, managedAgents, ...pointer } = campaign ?? {};
  // Before its final status the item had no result or latency yet ("dispatching" is the longest status word).
  const {
    result: _result,
    latency: _latency,
    latencyMs: _latencyMs,
    error: _error,
    ...queued
  } = status ?? {};
  const finalEvent = events.find((event) => (event as { type?: string }).type?.includes('.assignment.'));
  return {
    itemBytes: {
      assignment: size(status),
      assignmentQueued: size(status && { ...queued, status: { S: 'dispatching' } }),
      desired: size(desiredItem),
      campaign: size(campaign),
      counter: size(counter),
      schedule: size(await item(campaignPk, 'D')),
      idempotency: size(await item(`IDEMPOTENCY#${sample.campaignId}#${idempotencyKey}`, 'I')),
      pendingEvents: 'pendingEvents'.length + pack(events).length,
      // As lib/adapters/dynamo-event-log.ts stores it: hour key, time#id sort key, type, the event's JSON, TTL.
      eventLog: jsonItemBytes({
        pk: `WFM_EVENTS#${String((finalEvent as { time?: string })?.time).slice(0, 13)}`,
        sk: `${(finalEvent as { time?: string })?.time}#${(finalEvent as { id?: string })?.id}`,
        type: (finalEvent as { type?: string })?.type,
        event: JSON.stringify(finalEvent),
        expiresAt: 1_800_000_000,
      }),
    },
    previousItemBytes: {
      assignment: size(status) + jsonItemBytes({ desired }),
      campaign:
        dynamoItemBytes(pointer) +
        jsonItemBytes({
          desired,
          lastApplied: packed(lastApplied),
          managedAgents: packed(managedAgents),
          sequence: Number(counter?.sequence?.N),
        }),
      pendingEvents: jsonItemBytes({ pendingEvents: events }),
    },
  };
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
