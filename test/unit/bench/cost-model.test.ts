// The cost model's arithmetic (bench/cost-model.ts): what each call an assignment makes is billed, and that the
// model counts the calls the DynamoDB adapter really makes.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import {
  awsCallCounts,
  awsCallsPerAssignment,
  type CostInputs,
  costPerMillionAssignments,
  dynamoUnitsPerAssignment,
  modelledForAws,
  previousLayoutWriteUnits,
} from '../../../bench/cost-model.ts';
import { DynamoAssignmentStore } from '../../../lib/adapters/dynamo-assignment-store.ts';
import { dispatchAssignment } from '../../../lib/app/dispatch.ts';
import { submitAssignment } from '../../../lib/app/submit.ts';
import { FixedClock } from '../../support/clock.ts';
import { FakeCampaignConverger } from '../../support/fake-converger.ts';
import { FakeDynamoTable } from '../../support/fake-dynamodb-table.ts';
import { agent, CAMPAIGN_ID, MORNING, POLICY } from '../../support/fixtures.ts';
import { RecordingObserver } from '../../support/recording-observer.ts';
import { RecordingDispatchQueue, RecordingWfmEventQueue } from '../../support/recording-queues.ts';

function inputs(overrides: Partial<CostInputs> = {}): CostInputs {
  return {
    memoryMb: { submit: 512, dispatch: 1024, deliver: 512 },
    submitMsPerInvocation: 0,
    dispatchMsPerRecord: 1000,
    dispatchRecordsPerInvocation: 1,
    deliverMsPerInvocation: 0,
    deliverInvocationsPerAssignment: 0,
    webhooksPerAssignment: 0,
    fanOutBatchesPerAssignment: 0,
    rateBudgetClaimsPerAssignment: 0,
    logLinesPerAssignment: 0,
    logBytesPerAssignment: 0,
    items: {
      assignment: 700,
      assignmentQueued: 300,
      desired: 1500,
      campaign: 900,
      counter: 40,
      schedule: 120,
      idempotency: 200,
      pendingEvents: 600,
      eventLog: 700,
    },
    changesAgents: true,
    addsAgents: false,
    idempotencyKey: false,
    scheduleMovesPerAssignment: 0,
    assignmentsPerMonth: 1e6,
    warmContainersWithSecrets: 0,
    secretsMaxAgeSeconds: 300,
    ...overrides,
  };
}

describe('cost model', () => {
  it('bills Lambda by GB-seconds: 1 s at 1024 MB per assignment is 1 GB-s', () => {
    const lambda = costPerMillionAssignments(inputs()).lines.find((l) =>
      l.component.startsWith('Lambda compute'),
    );
    expect(lambda?.usdPerMillion).toBeCloseTo(13.3334, 3);
  });

  it('counts 1 KB write units per item written, doubled inside the submission transaction', () => {
    // Desired-state item 2 (outside the transaction); transaction 2 × (status 1 + campaign 1); markEnqueued 1;
    // dispatching 1, recordApplied 1, reserveSequence 1, final status + events 2, clearPendingEvents 2.
    expect(dynamoUnitsPerAssignment(inputs()).writeUnits).toBe(2 + 4 + 1 + 1 + 1 + 1 + 2 + 2);
    expect(dynamoUnitsPerAssignment(inputs({ changesAgents: false })).writeUnits).toBe(13);
    expect(dynamoUnitsPerAssignment(inputs({ idempotencyKey: true })).writeUnits).toBe(16);
    expect(dynamoUnitsPerAssignment(inputs({ addsAgents: true })).writeUnits).toBe(15);
    // A moved due instant: the schedule item (1) and its index entry, deleted and put (2).
    expect(dynamoUnitsPerAssignment(inputs({ scheduleMovesPerAssignment: 1 })).writeUnits).toBe(17);
    // Each WFM event: the fan-out's replay item (1 WRU); each fan-out (the events of one receive): one endpoints
    // Query (1 RRU).
    expect(
      dynamoUnitsPerAssignment(inputs({ webhooksPerAssignment: 3, fanOutBatchesPerAssignment: 1 })),
    ).toEqual({ writeUnits: 17, readUnits: 5 });
    // Each lease of the shared CXone rate budget: an UpdateItem of a tiny slot item (1 WRU).
    expect(dynamoUnitsPerAssignment(inputs({ rateBudgetClaimsPerAssignment: 0.5 })).writeUnits).toBe(14.5);
  });

  it('counts strongly consistent reads per 4 KB, a Query on the items it returns together', () => {
    // Query status + desired (2.2 KB) 1, campaign 1; reschedule: campaign 1, schedule 1 (the desired state, read
    // with the assignment, is not read again).
    expect(dynamoUnitsPerAssignment(inputs()).readUnits).toBe(4);
    const big = inputs({ items: { ...inputs().items, desired: 4000 } });
    expect(dynamoUnitsPerAssignment(big).readUnits).toBe(5);
  });

  it('prices the previous layout from its own item sizes', () => {
    const previous = { assignment: 3800, campaign: 4200, pendingEvents: 1800 };
    // 2×4 + 2×5 + markEnqueued 4 + dispatching 4 + recordApplied 5 + reserveSequence 5 + 2 × (4 + 2 → 6) + schedule 1.
    expect(previousLayoutWriteUnits(inputs(), previous)).toBe(8 + 10 + 4 + 4 + 5 + 5 + 12 + 1);
  });

  it('models durations on AWS from the calls the code makes and assumed round trips', () => {
    const modelled = modelledForAws(inputs({ submitMsPerInvocation: 400, dispatchMsPerRecord: 3000 }), {
      awsCallMs: 10,
      cxoneCallMs: 150,
      cxoneCallsPerAssignment: 1.2,
      webhookMs: 100,
      cpuMs: 5,
    });
    const calls = awsCallCounts(inputs());
    expect(calls).toEqual({ submit: 4, dispatch: 10 });
    expect(modelled.submitMsPerInvocation).toBe(4 * 10 + 5);
    expect(modelled.dispatchMsPerRecord).toBeCloseTo(10 * 10 + 1.2 * 150 + 5);
    expect(modelled.deliverMsPerInvocation).toBe(105);
  });
});

describe('the model counts the calls the adapter makes', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  afterAll(() => ddb.restore());

  it('one submission and its dispatch make the DynamoDB writes and reads the model lists', async () => {
    ddb.reset();
    const table = new FakeDynamoTable();
    table.install(ddb);
    const store = new DynamoAssignmentStore(new DynamoDBClient({ region: 'us-east-1' }), 'table');
    const clock = new FixedClock(MORNING);
    const dispatchQueue = new RecordingDispatchQueue();
    const policyFor = async (id: string) => (id === CAMPAIGN_ID ? POLICY : undefined);
    // An earlier assignment made the campaign manage agent 1 and created the counter.
    const desired = { agents: [agent('agent-uuid-001'), agent('agent-uuid-002')] };
    const submit = (key: string) =>
      submitAssignment(
        { store, queue: dispatchQueue, policyFor, clock, newId: () => key },
        { campaignId: CAMPAIGN_ID, body: desired, idempotencyKey: `k-${key}`, dryRun: false },
      );
    const dispatch = (assignmentId: string) =>
      dispatchAssignment(
        {
          store,
          converger: new FakeCampaignConverger(),
          wfm: new RecordingWfmEventQueue(),
          policyFor,
          clock,
          observer: new RecordingObserver(),
        },
        { assignmentId, campaignId: CAMPAIGN_ID, kind: 'submission', enqueuedAt: MORNING.toISOString() },
        { receiveCount: 1, maxReceiveCount: 5, sentAt: MORNING.getTime(), deadline: Date.now() + 60_000 },
      );
    await submit('asg-0');
    await dispatch('asg-0');
    ddb.resetHistory();

    await submit('asg-1');
    const submitCalls = ddb.calls().length;
    await dispatch('asg-1');
    const names = ddb.calls().map((call) => (call.args[0] as object).constructor.name);
    const count = (command: { name: string }) => names.filter((name) => name === command.name).length;

    const modelled = awsCallsPerAssignment(inputs({ idempotencyKey: true, addsAgents: false }));
    const dynamo = (handler: string) =>
      modelled.filter((c) => c.service === 'dynamodb' && c.handler === handler && c.count > 0);
    // The reschedule after the dispatch (campaign-schedule.ts) is not part of dispatchAssignment: 3 reads.
    const dispatchModelled = dynamo('dispatch').filter((c) => !c.call.startsWith('reschedule'));
    expect(submitCalls).toBe(dynamo('submit').length);
    expect(count(TransactWriteCommand)).toBe(1);
    expect(count(UpdateCommand)).toBe(
      dispatchModelled.filter((c) => c.writeUnits > 0).length + 1 /* markEnqueued */,
    );
    expect(count(QueryCommand) + count(GetCommand)).toBe(
      dispatchModelled.filter((c) => c.readUnits > 0).length,
    );
    // The desired-state item; the counter item exists since the first assignment.
    expect(count(PutCommand)).toBe(1);
  });
});
