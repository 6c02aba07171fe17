// Fault soak on the local stack (docs/reliability.md): over 500 desired states for 12 campaigns while the CXone
// sandbox answers 429s (with and without Retry-After), 5xx, hangs, per-agent refusals and revokes every token, the
// WFM receiver is down and then fails a third of the deliveries, and SQS delivers messages twice. Then the faults
// are cleared and, once quiescent, the soak proves that no change was lost or applied twice.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../infra/local/moto.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { AssignmentView } from '../../lib/app/api-schemas.ts';
import type { CampaignPolicy } from '../../lib/domain/schemas.ts';
import { printToTerminal } from '../support/log-capture.ts';
import { type AuditInput, auditSoak } from '../support/soak/audit.ts';
import { soakPolicies } from '../support/soak/campaigns.ts';
import { buildSoakPlan } from '../support/soak/desired-states.ts';
import { SoakLedger, waitForQuiescence } from '../support/soak/ledger.ts';
import { formatTable, soakTableRows } from '../support/soak/report.ts';
import {
  checkCampaignStates,
  collectEvidence,
  type FaultPlan,
  resubmitLastStates,
  submitUnderFaults,
  WORK_QUEUES,
} from '../support/soak/scenario.ts';
import { type ReceivedWebhook, SoakStackClient } from '../support/soak/stack-client.ts';

const CAMPAIGNS = 12;

const FAULTS: FaultPlan = {
  // Until the tokens are revoked, 429s carry `Retry-After: 1`; after, none (CXone's usual).
  cxone: {
    rate429: 0.08,
    retryAfterSeconds: 1,
    rate5xx: 0.04,
    rateTimeout: 0.004,
    agentErrorRate: 0.05,
    seed: 6,
  },
  wfmDownMs: 8_000,
  wfmFailRate: 0.33,
  // Healed well before the PUTs end, so that webhook retries (1, 2, 4 … s apart) do not stretch the wait.
  wfmHealedAtMs: 40_000,
  revokeTokensAtMs: 20_000,
  bursts: [
    // A CXone outage: the client's own retries run out and the dispatch goes back to SQS with a delay.
    { atMs: 25_000, durationMs: 15_000, cxone: { rate5xx: 1 } },
    // Every CXone request hangs until one has (it is logged once the client gave up on it, after 10 s). While the PUTs
    // outrun the dispatcher most dispatches are superseded and call no one, so the burst may have to wait for the
    // next CXone call: it lasts until a request has hung, at most 90 s.
    { atMs: 55_000, durationMs: 90_000, untilFault: 'timeout', cxone: { rateTimeout: 1 } },
  ],
  duplicateDeliveryRate: 0.1,
};

describe('soak audit', () => {
  const view = (assignmentId: string, status: string, kind = 'submission'): AssignmentView =>
    ({
      assignmentId,
      campaignId: 'c',
      kind,
      status,
      submittedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:05.000Z',
      agentsRequested: 1,
    }) as AssignmentView;
  const hook = (webhookId: string, type: string, assignmentId: string, status: string): ReceivedWebhook => ({
    receivedAt: '2026-01-01T00:00:06.000Z',
    headers: { 'webhook-id': webhookId },
    body: JSON.stringify({ id: webhookId, type, data: { assignmentId, campaignId: 'c', status } }),
    signatureValid: true,
    accepted: true,
    status: 204,
  });
  const base: AuditInput = {
    accepted: ['a1', 'a2'],
    assignments: new Map([
      ['a1', view('a1', 'applied')],
      ['a2', view('a2', 'superseded')],
    ]),
    firstFinalStatus: new Map(),
    webhooks: [
      hook('e1', 'com.cxone-assignments.assignment.applied', 'a1', 'applied'),
      hook('e1', 'com.cxone-assignments.assignment.applied', 'a1', 'applied'), // a redelivery: same webhook-id
      hook('e2', 'com.cxone-assignments.assignment.superseded', 'a2', 'superseded'),
    ],
    wfmDlqBodies: [],
    dispatchDlqBodies: [],
    cxoneRequests: [],
    convergedResubmissions: [],
  };

  it('passes a clean run, redeliveries of one webhook-id included', () => {
    const { figures, violations } = auditSoak(base);
    expect(violations).toEqual([]);
    expect(figures).toMatchObject({
      accepted: 2,
      lost: 0,
      duplicateEffects: 0,
      webhookRedeliveriesAccepted: 1,
    });
  });

  it('counts an assignment that never became final, or has no final event, as lost', () => {
    const result = auditSoak({
      ...base,
      assignments: new Map([
        ['a1', view('a1', 'dispatching')],
        ['a2', view('a2', 'superseded')],
      ]),
      webhooks: [hook('e1', 'com.cxone-assignments.assignment.applied', 'a1', 'applied')],
    });
    expect(result.lostIds.sort()).toEqual(['a1', 'a2']);
    expect(result.figures.lost).toBe(2);
  });

  it('accepts a final event parked in the WFM DLQ instead of delivered', () => {
    const event = JSON.parse(
      hook('e2', 'com.cxone-assignments.assignment.superseded', 'a2', 'superseded').body,
    );
    const result = auditSoak({
      ...base,
      webhooks: base.webhooks.slice(0, 2),
      wfmDlqBodies: [JSON.stringify({ endpoint: 'local-wfm', event })],
    });
    expect(result.figures).toMatchObject({ lost: 0, finalEventsInWfmDlq: 1 });
  });

  it('counts two final events, a changed final status, late and converged writes as duplicate effects', () => {
    const result = auditSoak({
      ...base,
      accepted: ['a1', 'a2', 'a3'],
      assignments: new Map([...base.assignments, ['a3', view('a3', 'applied')]]),
      firstFinalStatus: new Map([['a2', 'applied']]),
      webhooks: [
        ...base.webhooks,
        hook('e3', 'com.cxone-assignments.assignment.applied', 'a1', 'applied'),
        hook('e4', 'com.cxone-assignments.assignment.applied', 'a3', 'applied'),
      ],
      cxoneRequests: [
        {
          at: '2026-01-01T00:00:07.000Z',
          method: 'POST',
          path: '/x/skills/1/agents',
          status: 200,
          correlationId: 'a1',
          fault: null,
        },
        {
          at: '2026-01-01T00:00:01.000Z',
          method: 'PUT',
          path: '/x/skills/1/agents',
          status: 200,
          correlationId: 'a3',
          fault: null,
        },
      ],
      convergedResubmissions: ['a3'],
    });
    expect(result.figures.duplicateEffects).toBe(4);
    expect(result.duplicateEffects.join('\n')).toMatch(/a1 has 2 different final events/);
    expect(result.duplicateEffects.join('\n')).toMatch(/a2 was applied, later superseded/);
    expect(result.duplicateEffects.join('\n')).toMatch(/a1: 1 CXone write\(s\) after its final status/);
    expect(result.duplicateEffects.join('\n')).toMatch(/a3 re-submitted a converged state/);
  });

  it('expects campaign.rebalanced as the final event of an applied rebalance', () => {
    const assignments = new Map([...base.assignments, ['r1', view('r1', 'applied', 'rebalance')]]);
    const rebalanced = hook('e9', 'com.cxone-assignments.campaign.rebalanced', 'r1', 'applied');
    expect(auditSoak({ ...base, assignments, webhooks: [...base.webhooks, rebalanced] }).violations).toEqual(
      [],
    );
    const wrongType = hook('e9', 'com.cxone-assignments.assignment.applied', 'r1', 'applied');
    expect(auditSoak({ ...base, assignments, webhooks: [...base.webhooks, wrongType] }).violations).toEqual([
      'r1: final event com.cxone-assignments.assignment.applied, com.cxone-assignments.campaign.rebalanced expected',
    ]);
  });

  it('flags a DLQ whose message count differs from the messages read from it', () => {
    const result = auditSoak({ ...base, dlqDepths: { DispatchDLQ: 1, WfmEventsDLQ: 0 } });
    expect(result.violations).toEqual(['DispatchDLQ holds 1 message(s) but 0 were read']);
  });

  it('requires a failed assignment to carry its error and sit in the DispatchDLQ', () => {
    const result = auditSoak({
      ...base,
      assignments: new Map([...base.assignments, ['a1', view('a1', 'failed')]]),
      webhooks: [
        hook('e1', 'com.cxone-assignments.assignment.failed', 'a1', 'failed'),
        base.webhooks[2] as ReceivedWebhook,
      ],
    });
    expect(result.violations).toEqual([
      'a1 failed without an error',
      'a1 failed but its dispatch message is not in DispatchDLQ',
    ]);
  });
});

describe('moto TransactWriteItems work-around of the local stack (infra/local/moto-patch)', () => {
  let moto: MotoServer;
  let doc: DynamoDBDocumentClient;
  let raw: DynamoDBClient;
  const TableName = 'patch-check';

  beforeAll(async () => {
    moto = await startMoto();
    raw = new DynamoDBClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1, // a 500 must show, not be retried away
    });
    doc = DynamoDBDocumentClient.from(raw);
    await raw.send(
      new CreateTableCommand({
        TableName,
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
  });

  afterAll(async () => {
    raw?.destroy();
    await moto?.close();
  });

  const item = async (pk: string) =>
    (await doc.send(new GetCommand({ TableName, Key: { pk, sk: 'S' }, ConsistentRead: true }))).Item;

  it('rolls a cancelled transaction back on the items it touched, and only on them', async () => {
    await doc.send(new PutCommand({ TableName, Item: { pk: 'kept', sk: 'S', n: 1 } }));
    await expect(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: { pk: 'kept', sk: 'S' },
                UpdateExpression: 'SET n = :n',
                ExpressionAttributeValues: { ':n': 2 },
              },
            },
            { Put: { TableName, Item: { pk: 'new', sk: 'S' } } },
            {
              ConditionCheck: {
                TableName,
                Key: { pk: 'missing', sk: 'S' },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      ),
    ).rejects.toThrow(TransactionCanceledException);
    expect(await item('kept')).toMatchObject({ n: 1 });
    expect(await item('new')).toBeUndefined();
  });

  it('answers concurrent transactions and updates without a 500 and without erasing any write', async () => {
    await doc.send(new PutCommand({ TableName, Item: { pk: 'counter', sk: 'S', n: 0 } }));
    const lanes = Array.from({ length: 8 }, async (_, lane) => {
      for (let i = 0; i < 20; i++) {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName,
                  Item: { pk: `put-${lane}-${i}`, sk: 'S' },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName,
                  Key: { pk: `lane-${lane}`, sk: 'S' },
                  UpdateExpression: 'SET latest = :i',
                  ExpressionAttributeValues: { ':i': i },
                },
              },
            ],
          }),
        );
        // A transaction cancelled by its condition, racing the counter updates of the other lanes.
        await expect(
          doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName,
                    Item: { pk: `put-${lane}-${i}`, sk: 'S' },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Update: {
                    TableName,
                    Key: { pk: 'counter', sk: 'S' },
                    UpdateExpression: 'SET touched = :t',
                    ExpressionAttributeValues: { ':t': true },
                  },
                },
              ],
            }),
          ),
        ).rejects.toThrow(TransactionCanceledException);
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: 'counter', sk: 'S' },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
      }
    });
    await Promise.all(lanes);
    expect(await item('counter')).toMatchObject({ n: 160 });
    expect(await item('put-7-19')).toBeDefined();
    expect(await item('lane-3')).toMatchObject({ latest: 19 });
  });
});

/**
 * Powertools Metrics warns on every invocation that publishes no metric (thousands in a soak, through the global
 * console under POWERTOOLS_DEV); drop that one line, keep everything else.
 */
function muteEmptyMetricsWarnings(): () => void {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('No application metrics to publish')) return;
    warn(...args);
  };
  return () => {
    console.warn = warn;
  };
}

describe('fault soak on the local stack', () => {
  let stack: LocalStack;
  let client: SoakStackClient;
  let policiesDir: string;
  let policies: CampaignPolicy[];
  let restoreConsole: (() => void) | undefined;

  beforeAll(async () => {
    policies = soakPolicies(CAMPAIGNS, new Date());
    policiesDir = await mkdtemp(join(tmpdir(), 'soak-test-'));
    const policiesFile = join(policiesDir, 'soak-policies.json');
    await writeFile(policiesFile, JSON.stringify(policies));
    // moto runs with the local stack's TransactWriteItems work-around (infra/local/moto-patch/).
    stack = await startLocalStack({
      extraPoliciesFile: policiesFile,
      // Local-only knobs: retries and redeliveries in seconds instead of the deployed minutes.
      queueVisibilityTimeoutSeconds: 20,
      functionTimeoutSeconds: 20,
      rebalanceIntervalSeconds: 15,
      // One batch in flight per function keeps the fault timeline reproducible (docs/reliability.md).
      sqsConcurrency: 1,
      env: {
        // Pretty logs through the global console and no EMF output, as `npm start` does; errors only.
        POWERTOOLS_DEV: 'true',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        DISPATCH_RETRY_BASE_SECONDS: '1',
        WFM_RETRY_SCHEDULE_SECONDS: '1,2,4,8,16,32,64',
        CXONE_RATE_LIMIT_PER_SECOND: '50',
      },
    });
    client = new SoakStackClient(stack);
    restoreConsole = muteEmptyMetricsWarnings();
  }, 240_000);

  afterAll(async () => {
    restoreConsole?.();
    client?.close();
    await stack?.stop();
    if (policiesDir) await rm(policiesDir, { recursive: true, force: true });
  });

  it('never loses or duplicates a change while CXone, the WFM endpoint and SQS misbehave', async () => {
    const started = Date.now();
    const ledger = new SoakLedger();
    const plan = buildSoakPlan({
      policies,
      hotCampaigns: 4,
      putsPerHotCampaign: 60,
      putsPerCalmCampaign: 34,
      seed: 2026,
    });

    const submitMs = await submitUnderFaults(stack, client, plan, ledger, FAULTS);
    const soakAccepted = ledger.accepted.length;
    const quiescentMs = await waitForQuiescence(client, ledger, { timeoutMs: 150_000, queues: WORK_QUEUES });

    // Where a campaign's last state ended applied, CXone must hold it now, before any re-submission.
    const beforeResubmission = await checkCampaignStates(client, policies, ledger, {
      onlyWhereApplied: true,
    });
    // Round 1: the last states again, faults off, so that the campaigns whose last state ended partially_applied
    // or failed converge too (the rebalance leaves alone the agents a rebalance saw refused). Then every campaign
    // must hold exactly its last state.
    await resubmitLastStates(client, policies, ledger, 1);
    const afterResubmission = await checkCampaignStates(client, policies, ledger, {
      onlyWhereApplied: false,
    });
    const violations = [
      ...beforeResubmission.mismatches.map((line) => `last state applied, yet CXone differs: ${line}`),
      ...afterResubmission.mismatches.map((line) => `after re-submission: ${line}`),
    ];
    // Round 2: the same states once more; CXone holds them already, so not a single write may follow.
    const convergedResubmissions = await resubmitLastStates(client, policies, ledger, 2);

    const evidence = await collectEvidence(client, ledger);
    const audit = auditSoak({
      accepted: ledger.accepted.map((a) => a.assignmentId),
      assignments: ledger.statuses,
      firstFinalStatus: ledger.firstFinalStatus,
      convergedResubmissions,
      ...evidence,
    });
    const idle = { batches: 0, records: 0, failedRecords: 0, redeliveredRecords: 0 };
    const facts = {
      campaigns: policies.length,
      campaignsAppliedBefore: beforeResubmission.checked - beforeResubmission.mismatches.length,
      campaignsCheckedBefore: beforeResubmission.checked,
      campaignsConverged: afterResubmission.checked - afterResubmission.mismatches.length,
      submitSeconds: Math.round(submitMs / 1000),
      quiescentAfterFaultsSeconds: Math.round(quiescentMs / 1000),
      wallSeconds: Math.round((Date.now() - started) / 1000),
      submitRetries: client.submitRetries,
      dispatch: stack.sqsStats.dispatchAssignments ?? idle,
      webhook: stack.sqsStats.deliverWfmWebhook ?? idle,
    };
    const problems = [...violations, ...audit.violations];
    if (process.env.SOAK_EVIDENCE_FILE) {
      // Everything the verdict was made from, for a closer look at a failed run.
      const statuses = Object.fromEntries(ledger.statuses);
      await writeFile(process.env.SOAK_EVIDENCE_FILE, JSON.stringify({ statuses, ...evidence, problems }));
    }
    printToTerminal(
      `\nFault soak: ${soakAccepted} PUTs under faults, then ${ledger.accepted.length - soakAccepted} re-submissions\n` +
        `${formatTable(soakTableRows(audit.figures, facts))}\n${problems.join('\n')}\n`,
    );

    expect(soakAccepted).toBeGreaterThanOrEqual(500);
    expect(audit.figures.lost).toBe(0);
    expect(audit.figures.duplicateEffects).toBe(0);
    expect(problems).toEqual([]);
    // The faults did happen (a soak that dodged them would prove nothing).
    expect(audit.figures.acceptedByStatus.superseded).toBeGreaterThan(0);
    expect(audit.figures.cxone429).toBeGreaterThan(0);
    expect(audit.figures.cxone5xx).toBeGreaterThan(0);
    expect(audit.figures.cxone401).toBeGreaterThan(0);
    expect(audit.figures.cxoneTimeouts).toBeGreaterThan(0);
    expect(audit.figures.webhookAttemptsRefused).toBeGreaterThan(0);
    expect(facts.dispatch.redeliveredRecords).toBeGreaterThan(0);
    expect(facts.webhook.redeliveredRecords).toBeGreaterThan(0);
  }, 420_000);
});
