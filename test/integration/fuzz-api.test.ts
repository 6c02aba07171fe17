// Fuzzing the HTTP API of the local stack (real handlers, moto, sandbox, receiver) with > 10,000 hostile requests:
// malformed JSON, wrong types, huge strings and arrays, deep nesting, `__proto__`/`constructor` keys, unicode and
// control characters, boundary numbers, bodies around the 256 KiB limit, wrong media types, methods, paths, ids,
// credentials and scopes, campaign policy bodies, preconditions (If-Match, If-None-Match), cursors and limits. Every answer must be the status the contract gives (never a 5xx), every 4xx an RFC 9457 problem,
// and none of it may store, queue or dispatch anything.

import type { Agent } from 'node:http';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import {
  authorizationOf,
  CAMPAIGN_ID,
  describeRequest,
  type FuzzRequest,
  fuzzRequest,
  MAX_BODY_BYTES,
} from '../support/security/api-fuzz.ts';
import { keepAliveAgent, type RawResponse, sendRaw } from '../support/security/raw-http.ts';

const CONCURRENCY = 8;
const RUNS = 2_500; // × CONCURRENCY requests
/** Lambda's synchronous response payload limit: a bigger answer is a 5xx when deployed. */
const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

let stack: LocalStack;
let agent: Agent;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
const gatewayFailures: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    rebalanceIntervalSeconds: 3600,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
    log: (line) => {
      if (/failed|timed out|malformed/.test(line)) gatewayFailures.push(line);
    },
  });
  agent = keepAliveAgent(CONCURRENCY);
  const aws = {
    endpoint: stack.motoUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  sqs = new SQSClient(aws);
  dynamodb = new DynamoDBClient(aws);
}, 240_000);

afterAll(async () => {
  agent?.destroy();
  sqs?.destroy();
  dynamodb?.destroy();
  await stack?.stop();
});

function send(request: FuzzRequest): Promise<RawResponse> {
  const headers = { ...request.headers };
  const authorization = authorizationOf(request, { api: stack.apiToken, admin: stack.adminToken });
  if (authorization !== undefined) headers.authorization = authorization;
  return sendRaw(stack.apiUrl, agent, {
    method: request.method,
    path: request.path,
    headers,
    ...(request.body ? { body: request.body } : {}),
    chunked: request.chunked,
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with `response` as an answer to `request`; empty when it is right. */
function problemsWith(request: FuzzRequest, response: RawResponse): string[] {
  const problems: string[] = [];
  const { status } = response;
  const type = response.headers['content-type'] ?? '';
  if (!request.expected.includes(status))
    problems.push(`status ${status}, expected ${request.expected.join('|')}`);
  if (status >= 500) problems.push('a server error');
  if (response.body.length > LAMBDA_RESPONSE_LIMIT_BYTES) {
    problems.push(`a ${response.body.length}-byte answer, over Lambda's 6 MB response limit`);
  }
  const body = parseJson(response.body);
  if (status >= 400) {
    if (type !== 'application/problem+json')
      problems.push(`content-type ${type}, not application/problem+json`);
    if (!isRecord(body)) problems.push('a problem body that is not a JSON object');
    else {
      for (const field of ['type', 'title', 'detail']) {
        if (typeof body[field] !== 'string' || body[field] === '') problems.push(`problem.${field} missing`);
      }
      if (body.status !== status) problems.push(`problem.status ${String(body.status)} ≠ ${status}`);
      if (body.errors !== undefined) {
        const errors = body.errors;
        const wellFormed =
          Array.isArray(errors) &&
          errors.every(
            (e) =>
              isRecord(e) &&
              typeof e.path === 'string' &&
              typeof e.code === 'string' &&
              typeof e.message === 'string',
          );
        if (!wellFormed) problems.push('problem.errors is not a list of {path, code, message}');
      }
    }
    if (status === 405 && !response.headers.allow) problems.push('405 without Allow');
    if (status === 401 && !/^Bearer/.test(String(response.headers['www-authenticate']))) {
      problems.push('401 without WWW-Authenticate: Bearer');
    }
  } else {
    if (!type.startsWith('application/json')) problems.push(`content-type ${type} on ${status}`);
    if (!isRecord(body)) problems.push('a success body that is not a JSON object');
    else if (request.family.startsWith('submit') && !Array.isArray(body.agents))
      problems.push('a 200 that is not a plan');
    else if (request.family.startsWith('policy-') && request.path.startsWith('/campaigns/')) {
      const single = request.family === 'policy-get' || request.family === 'policy-put';
      if (single && (body.version !== 1 || response.headers.etag !== '"1"')) {
        problems.push('a policy answer that is not version 1 with its ETag');
      }
    }
  }
  return problems;
}

interface SideEffects {
  tableItems: number;
  queues: Record<string, number>;
  cxoneRequests: number;
  webhooks: number;
}

async function messagesIn(url: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed)
  );
}

/** Every item but the WFM event log's (each delivered event is kept there for replay, see the last test). */
async function tableItems(): Promise<number> {
  const tableName = stack.functions.find((fn) => fn.environment.TABLE_NAME)?.environment.TABLE_NAME;
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        Select: 'COUNT',
        // Not the replay log's items, nor the CXone rate budget's per-second counters (they expire by TTL).
        FilterExpression: 'NOT begins_with(pk, :events) AND NOT begins_with(pk, :rate)',
        ExpressionAttributeValues: { ':events': { S: 'WFM_EVENTS#' }, ':rate': { S: 'RATE#' } },
        ExclusiveStartKey: startKey as never,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** Everything a request could leave behind: items, queued messages (DLQs too), CXone calls, webhooks. */
async function sideEffects(): Promise<SideEffects> {
  const queues: Record<string, number> = {};
  for (const [name, queue] of Object.entries(stack.queues)) queues[name] = await messagesIn(queue.url);
  const cxone = (await (await fetch(`${stack.cxoneUrl}/sandbox/requests`)).json()) as unknown[];
  const webhooks = (await (await fetch(`${stack.wfmUrl}/received`)).json()) as unknown[];
  return { tableItems: await tableItems(), queues, cxoneRequests: cxone.length, webhooks: webhooks.length };
}

function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((proto) => Reflect.ownKeys(proto).map(String).sort().join(','))
    .join('|');
}

const validSubmission = {
  agents: [
    {
      userId: 'agent-uuid-001',
      skills: ['sales', 'preview-qualified'],
      availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
      maxConcurrentCalls: 1,
      recentCallRate: 4.2,
    },
  ],
  callRateTarget: 8.5,
};

interface ValidationProblem {
  detail: string;
  errors: { path: string; code: string; message: string }[];
}

function put(path: string, body: string): Promise<RawResponse> {
  return sendRaw(stack.apiUrl, agent, {
    method: 'PUT',
    path,
    headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
    body: Buffer.from(body),
  });
}

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the HTTP API under fuzzing', () => {
  it('answers 20,000 hostile requests with the contract’s status, a problem+json for every 4xx, never a 5xx, and keeps nothing', async () => {
    const before = await sideEffects();
    const prototypes = prototypeSnapshot();
    const statuses = new Map<number, number>();
    let sent = 0;

    await fc.assert(
      fc.asyncProperty(
        fc.array(fuzzRequest, { minLength: CONCURRENCY, maxLength: CONCURRENCY }),
        async (batch) => {
          const responses = await Promise.all(batch.map(send));
          sent += batch.length;
          const failures = batch.flatMap((request, i) => {
            const response = responses[i] as RawResponse;
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            const problems = problemsWith(request, response);
            return problems.length === 0
              ? []
              : [
                  `${describeRequest(request)}\n  → ${response.status} ${response.body.subarray(0, 400).toString()}` +
                    `\n  ${problems.join('; ')}`,
                ];
          });
          if (failures.length > 0) throw new Error(failures.join('\n'));
        },
      ),
      { numRuns: RUNS, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
    );

    expect(sent).toBeGreaterThanOrEqual(10_000);
    // The generators reach every answer the contract has for bad requests (and the dry-run plan).
    for (const status of [200, 400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428]) {
      expect(statuses.get(status) ?? 0, `answers with status ${status}`).toBeGreaterThan(0);
    }
    expect(gatewayFailures).toEqual([]);
    expect(prototypeSnapshot()).toBe(prototypes);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Give a wrongly queued message the time to be dispatched, so that it shows in every count.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await sideEffects()).toEqual(before);
  }, 420_000);

  it('answers a 256 KiB body of empty agents with a small 422 (it used to list ~350,000 errors in ~30 MB)', async () => {
    const count = Math.floor((MAX_BODY_BYTES - 16) / 3);
    const body = `{"agents":[${Array<string>(count).fill('{}').join(',')}]}`;
    const response = await put(`/campaigns/${CAMPAIGN_ID}/agents`, body);
    expect(response.status).toBe(422);
    expect(response.body.length).toBeLessThan(256 * 1024);
    const problem = JSON.parse(response.body.toString()) as ValidationProblem;
    expect(problem.errors.filter((e) => e.code === 'too_many_agents')).toEqual([
      expect.objectContaining({ path: 'agents', message: expect.stringContaining(`got ${count}`) }),
    ]);
    expect(problem.errors.at(-1)?.path).toMatch(/^agents\[99\]\./); // the first 100 agents are checked
  }, 60_000);

  it('lists at most 1,000 field errors and says how many there are', async () => {
    const agent = { ...validSubmission.agents[0] } as Record<string, unknown>;
    for (let i = 0; i < 5000; i++) agent[`unknown${i}`] = i;
    const response = await put(`/campaigns/${CAMPAIGN_ID}/agents`, JSON.stringify({ agents: [agent] }));
    expect(response.status).toBe(422);
    const problem = JSON.parse(response.body.toString()) as ValidationProblem;
    expect(problem.detail).toBe('5000 validation errors; the first 1000 are listed');
    expect(problem.errors).toHaveLength(1000);
    expect(problem.errors[0]).toEqual({
      path: 'agents[0].unknown0',
      code: 'unrecognized_keys',
      message: 'unknown field "unknown0"',
    });
  }, 60_000);

  it('sees what an accepted submission leaves behind, so the side-effect check above can fail', async () => {
    const before = await sideEffects();
    const dryRun = await put(`/campaigns/${CAMPAIGN_ID}/agents?dryRun=true`, JSON.stringify(validSubmission));
    expect(dryRun.status).toBe(200);
    expect(await sideEffects()).toEqual(before);

    const accepted = await put(`/campaigns/${CAMPAIGN_ID}/agents`, JSON.stringify(validSubmission));
    expect(accepted.status).toBe(202);
    const after = await waitFor(
      sideEffects,
      (now) =>
        now.cxoneRequests > before.cxoneRequests &&
        now.webhooks > before.webhooks &&
        now.tableItems >= before.tableItems + 5,
      30_000,
    );
    // The assignment's status and desired-state items, the campaign item, its event counter (the dispatch changed
    // agents) and its schedule item (written after the dispatch).
    expect(after.tableItems).toBe(before.tableItems + 5);
    expect(after.cxoneRequests).toBeGreaterThan(before.cxoneRequests);
    expect(after.webhooks).toBeGreaterThan(before.webhooks);
  }, 60_000);
});
