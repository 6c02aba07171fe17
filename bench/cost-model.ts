// §5 Cost per million assignments, from measured durations, sizes and log volume, the memory sizes serverless.yml
// configures, and the calls each assignment makes as the code makes them (happy path: one submission, with or
// without Idempotency-Key, one WFM endpoint subscribed to every event, no retries). Every price is an assumption.

/** us-east-1 list prices (USD), first pricing tier, free tiers ignored. */
export const PRICES = {
  assumedOn: '2026-12-01 (the 2025 public list prices, assumed unchanged; not checked live)',
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  sqsFifoRequest: 0.5 / 1e6,
  sqsStandardRequest: 0.4 / 1e6,
  /** On-demand, after the November 2024 price cut. */
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  dynamoStorageGbMonth: 0.25,
  secretsManagerApiCall: 0.05 / 10_000,
  secretsManagerSecretMonth: 0.4,
  cloudWatchLogsIngestedGb: 0.5,
  cloudWatchCustomMetricMonth: 0.3,
  cloudWatchAlarmMonth: 0.1,
} as const;

/** CloudWatch Logs bills each event's UTF-8 bytes plus 26 bytes. */
export const LOG_EVENT_OVERHEAD_BYTES = 26;
/** Lambda's START, END and REPORT lines of one invocation (assumed size, 3 events). */
export const PLATFORM_LOG_BYTES_PER_INVOCATION = 380;
export const PLATFORM_LOG_EVENTS_PER_INVOCATION = 3;
/** One HTTP API access log line (osls' default JSON format), assumed size. */
export const ACCESS_LOG_BYTES = 250;
/** Assignment items live 90 days (their TTL); DynamoDB adds 100 bytes per stored item. */
export const ASSIGNMENT_RETENTION_MONTHS = 3;
export const DYNAMO_ITEM_OVERHEAD_BYTES = 100;

export interface ItemSizes {
  /** The assignment's status item at its final status, its pending events removed (`ASSIGNMENT#<id>` `A`). */
  assignment: number;
  /** The same item before its final status (no result, no latency): what the submission and `dispatching` write. */
  assignmentQueued: number;
  /** The assignment's desired-state item (`D`). */
  desired: number;
  /** The campaign item: latest assignment, last applied state, managed agents (`CAMPAIGN#<id>` `S`). */
  campaign: number;
  /** The campaign's event sequence counter (`N`). */
  counter: number;
  /** The campaign's schedule item (`D`), which the due index (a GSI) also holds. */
  schedule: number;
  /** The Idempotency-Key claim. */
  idempotency: number;
  /** The final status's WFM events as the assignment item holds them until they are queued. */
  pendingEvents: number;
  /** One WFM event's replay item (`WFM_EVENTS#<hour>`), which the fan-out stores for every event. */
  eventLog: number;
}

/** The items of the layout before the desired state moved to its own item: the same data, sized as it was stored. */
export interface PreviousItemSizes {
  /** Status item with the desired state inside. */
  assignment: number;
  /** Campaign item with a copy of the desired state, plain lists and the sequence counter. */
  campaign: number;
  /** The WFM events as plain JSON. */
  pendingEvents: number;
}

export interface CostInputs {
  memoryMb: { submit: number; dispatch: number; deliver: number };
  /** Measured median handler durations. */
  submitMsPerInvocation: number;
  dispatchMsPerRecord: number;
  dispatchRecordsPerInvocation: number;
  deliverMsPerInvocation: number;
  /** Invocations of the delivery function per assignment (fan-out of each event, then each delivery), measured. */
  deliverInvocationsPerAssignment: number;
  /** WFM events (= webhooks, with one endpoint subscribed to every event) per assignment. */
  webhooksPerAssignment: number;
  /**
   * Fan-outs per assignment: the delivery function fans out the events of one receive together (one endpoints Query,
   * one SendMessageBatch per ten deliveries). The dispatcher queues an assignment's events in one SendMessageBatch.
   */
  fanOutBatchesPerAssignment: number;
  /** UpdateItems of the tenant's CXone rate slot (leases of a few tokens; the slot item is tiny: 1 WRU each). */
  rateBudgetClaimsPerAssignment: number;
  /** Handler log lines and bytes per assignment (EMF metric lines included). */
  logLinesPerAssignment: number;
  logBytesPerAssignment: number;
  /** DynamoDB item sizes (bytes, DynamoDB's sizing rules). */
  items: ItemSizes;
  /** Whether the assignment changed agents (then sequence numbers are reserved on the counter item). */
  changesAgents: boolean;
  /** Whether it adds agents the campaign did not manage yet (then they are recorded before the CXone writes). */
  addsAgents: boolean;
  /** Whether the caller sent an Idempotency-Key (one more small item in the submission's transaction). */
  idempotencyKey: boolean;
  /** Share of dispatches that move the campaign's due instant (then the schedule item and its index entry change). */
  scheduleMovesPerAssignment: number;
  /** For amortising fixed-per-time costs (secret refreshes). */
  assignmentsPerMonth: number;
  /** Containers that each re-read their secret every secretsMaxAgeSeconds. */
  warmContainersWithSecrets: number;
  secretsMaxAgeSeconds: number;
}

export interface CostLine {
  component: string;
  /** What one assignment uses, in words. */
  perAssignment: string;
  usdPerMillion: number;
}

/** One DynamoDB (or SQS) call an assignment makes: its billed units each time, and how many times. */
export interface AwsCall {
  handler: 'submit' | 'dispatch' | 'deliver';
  call: string;
  service: 'dynamodb' | 'sqs';
  writeUnits: number;
  readUnits: number;
  count: number;
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
const gb = (mb: number) => mb / 1024;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/**
 * Every AWS call of one assignment as lib/app/{submit,dispatch,campaign-schedule}.ts and lib/adapters/dynamo-*.ts
 * make them (the policy is cached, the secret too). Writes: 1 WRU per KB of the larger of the item before and after
 * (an update is billed on the whole item), twice inside TransactWriteItems; the status item is sized at its final
 * state for every write (an upper bound: it only grows). Reads: strongly consistent, 1 RRU per 4 KB (a Query: of the
 * items it returns, summed). A write that moves an item's due-index key also deletes and puts the index entry.
 */
export function awsCallsPerAssignment(inputs: CostInputs): AwsCall[] {
  const { items } = inputs;
  const queued = kb(items.assignmentQueued);
  const withEvents = kb(items.assignment + items.pendingEvents);
  const events = inputs.webhooksPerAssignment;
  const write = (handler: AwsCall['handler'], call: string, writeUnits: number, count = 1): AwsCall => ({
    handler,
    call,
    service: 'dynamodb',
    writeUnits,
    readUnits: 0,
    count,
  });
  const read = (handler: AwsCall['handler'], call: string, bytes: number, count = 1): AwsCall => ({
    handler,
    call,
    service: 'dynamodb',
    writeUnits: 0,
    readUnits: readUnits(bytes),
    count,
  });
  const sqs = (handler: AwsCall['handler'], call: string, count = 1): AwsCall => ({
    handler,
    call,
    service: 'sqs',
    writeUnits: 0,
    readUnits: 0,
    count,
  });
  const transaction = 2 * ((inputs.idempotencyKey ? kb(items.idempotency) : 0) + queued + kb(items.campaign));
  return [
    write('submit', 'PutItem desired-state item', kb(items.desired)),
    write('submit', 'TransactWriteItems: idempotency claim, status item, campaign item', transaction),
    sqs('submit', 'SQS SendMessage'),
    write('submit', 'markEnqueued', queued),
    read(
      'dispatch',
      'getAssignment: Query of the status and desired-state items',
      items.assignment + items.desired,
    ),
    read('dispatch', 'getCampaignState: campaign item', items.campaign),
    // The latest assignment is the one dispatched: its desired state was just read (the adapter keeps it).
    read(
      'dispatch',
      "getCampaignState: the latest assignment's desired-state item (in memory)",
      items.desired,
      0,
    ),
    write('dispatch', 'status dispatching', queued),
    write('dispatch', 'recordManaged (agents added)', kb(items.campaign), inputs.addsAgents ? 1 : 0),
    write('dispatch', 'recordApplied', kb(items.campaign)),
    write('dispatch', 'reserveSequence on the counter item', kb(items.counter), inputs.changesAgents ? 1 : 0),
    write('dispatch', 'final status with pendingEvents', withEvents),
    sqs('dispatch', 'SQS SendMessageBatch (WFM events)'),
    write('dispatch', 'clearPendingEvents', withEvents),
    read('dispatch', 'reschedule: getCampaignState: campaign item', items.campaign),
    read(
      'dispatch',
      "reschedule: getCampaignState: the latest assignment's desired-state item (in memory)",
      items.desired,
      0,
    ),
    read('dispatch', 'reschedule: schedule item', items.schedule),
    write(
      'dispatch',
      'reschedule: schedule item put (when the due instant moves) + its index entry (delete + put)',
      kb(items.schedule) + 2,
      inputs.scheduleMovesPerAssignment,
    ),
    write(
      'dispatch',
      'CXone rate budget: UpdateItem of the second’s slot',
      1,
      inputs.rateBudgetClaimsPerAssignment,
    ),
    write('deliver', 'fan-out: PutItem of the event for replay', kb(items.eventLog), events),
    read('deliver', 'fan-out: Query of the API-created endpoints', 0, inputs.fanOutBatchesPerAssignment),
    sqs(
      'deliver',
      'fan-out: SQS SendMessageBatch (one delivery per endpoint, ten a request)',
      inputs.fanOutBatchesPerAssignment,
    ),
  ];
}

/** The write units of the same assignment under the previous layout (today's calls before this change). */
export function previousLayoutWriteUnits(inputs: CostInputs, previous: PreviousItemSizes): number {
  const assignment = kb(previous.assignment);
  const campaign = kb(previous.campaign);
  const withEvents = kb(previous.assignment + previous.pendingEvents);
  return (
    2 * assignment +
    2 * campaign +
    (inputs.idempotencyKey ? 2 * kb(inputs.items.idempotency) : 0) +
    assignment + // markEnqueued
    assignment + // dispatching
    (inputs.addsAgents ? campaign : 0) + // recordManaged
    campaign + // recordApplied
    (inputs.changesAgents ? campaign : 0) + // reserveSequence on the campaign item
    withEvents + // final status
    withEvents + // clearPendingEvents
    kb(inputs.items.schedule) + // the schedule item, rewritten after every dispatch
    inputs.scheduleMovesPerAssignment * 2 +
    inputs.webhooksPerAssignment * kb(inputs.items.eventLog) // the fan-out's replay items, as now
  );
}

const total = (calls: AwsCall[], pick: (call: AwsCall) => number) =>
  calls.reduce((sum, call) => sum + pick(call) * call.count, 0);

export function dynamoUnitsPerAssignment(inputs: CostInputs): { writeUnits: number; readUnits: number } {
  const calls = awsCallsPerAssignment(inputs);
  return { writeUnits: total(calls, (c) => c.writeUnits), readUnits: total(calls, (c) => c.readUnits) };
}

/** AWS calls per submit invocation and per dispatched record (for the durations modelled for AWS). */
export function awsCallCounts(inputs: CostInputs): { submit: number; dispatch: number } {
  const calls = awsCallsPerAssignment(inputs);
  const count = (handler: AwsCall['handler']) =>
    calls.filter((c) => c.handler === handler).reduce((sum, c) => sum + c.count, 0);
  return { submit: count('submit'), dispatch: count('dispatch') };
}

export function costPerMillionAssignments(inputs: CostInputs): { lines: CostLine[]; total: number } {
  const million = 1e6;
  const dispatchInvocations = 1 / inputs.dispatchRecordsPerInvocation;
  const deliverInvocations = inputs.deliverInvocationsPerAssignment;
  const invocations = 1 + dispatchInvocations + deliverInvocations;
  const gbSeconds =
    gb(inputs.memoryMb.submit) * (inputs.submitMsPerInvocation / 1000) +
    gb(inputs.memoryMb.dispatch) * (inputs.dispatchMsPerRecord / 1000) +
    gb(inputs.memoryMb.deliver) * (inputs.deliverMsPerInvocation / 1000) * deliverInvocations;
  const { writeUnits, readUnits: reads } = dynamoUnitsPerAssignment(inputs);
  // FIFO: SendMessage; the event source mapping's ReceiveMessage and DeleteMessageBatch per batch.
  const fifoRequests = 1 + 2 * dispatchInvocations;
  // Standard: the dispatcher's SendMessageBatch (10 per request), the fan-out's per receive, then receive + delete
  // per batch of the delivery function.
  const standardRequests =
    Math.ceil(inputs.webhooksPerAssignment / 10) + inputs.fanOutBatchesPerAssignment + 2 * deliverInvocations;
  const secretCallsPerMonth = inputs.warmContainersWithSecrets * ((730 * 3600) / inputs.secretsMaxAgeSeconds);
  const logEvents = inputs.logLinesPerAssignment + PLATFORM_LOG_EVENTS_PER_INVOCATION * invocations + 1;
  const logBytes =
    inputs.logBytesPerAssignment +
    PLATFORM_LOG_BYTES_PER_INVOCATION * invocations +
    ACCESS_LOG_BYTES +
    LOG_EVENT_OVERHEAD_BYTES * logEvents;
  // The status and desired-state items live for the TTL (the idempotency claim only a day).
  const storedBytes = inputs.items.assignment + inputs.items.desired + 2 * DYNAMO_ITEM_OVERHEAD_BYTES;
  const storedGbMonths = (storedBytes / 1024 ** 3) * ASSIGNMENT_RETENTION_MONTHS;
  const lines: CostLine[] = [
    {
      component: 'Lambda compute (arm64)',
      perAssignment: `${round(gbSeconds, 3)} GB-s`,
      usdPerMillion: gbSeconds * PRICES.lambdaArmGbSecond * million,
    },
    {
      component: 'Lambda requests',
      perAssignment: `${round(invocations)} invocations`,
      usdPerMillion: invocations * PRICES.lambdaRequest * million,
    },
    {
      component: 'API Gateway HTTP API',
      perAssignment: '1 request (the PUT)',
      usdPerMillion: PRICES.httpApiRequest * million,
    },
    {
      component: 'SQS FIFO (dispatch)',
      perAssignment: `${round(fifoRequests)} requests`,
      usdPerMillion: fifoRequests * PRICES.sqsFifoRequest * million,
    },
    {
      component: 'SQS standard (WFM events)',
      perAssignment: `${round(standardRequests)} requests`,
      usdPerMillion: standardRequests * PRICES.sqsStandardRequest * million,
    },
    {
      component: 'DynamoDB writes (on-demand)',
      perAssignment: `${Number(writeUnits.toFixed(2))} WRU`,
      usdPerMillion: writeUnits * PRICES.dynamoWriteRequestUnit * million,
    },
    {
      component: 'DynamoDB reads (on-demand)',
      perAssignment: `${reads} RRU`,
      usdPerMillion: reads * PRICES.dynamoReadRequestUnit * million,
    },
    {
      component: 'DynamoDB storage (90-day TTL)',
      perAssignment: `${round(storedBytes / 1024, 1)} KB × 3 months`,
      usdPerMillion: storedGbMonths * PRICES.dynamoStorageGbMonth * million,
    },
    {
      component: 'Secrets Manager API (cached)',
      perAssignment: `${round(secretCallsPerMonth / inputs.assignmentsPerMonth, 4)} calls`,
      usdPerMillion:
        (secretCallsPerMonth * PRICES.secretsManagerApiCall * million) / inputs.assignmentsPerMonth,
    },
    {
      component: 'CloudWatch Logs ingestion',
      perAssignment: `${round(logEvents, 1)} events, ${round(logBytes / 1024, 1)} KB`,
      usdPerMillion: (logBytes / 1024 ** 3) * PRICES.cloudWatchLogsIngestedGb * million,
    },
  ];
  return { lines, total: lines.reduce((total, line) => total + line.usdPerMillion, 0) };
}

export interface AwsModel {
  /** Assumed in-region round trip of one DynamoDB or SQS call. */
  awsCallMs: number;
  /** Assumed round trip of one call to the real CXone, and the calls per assignment (an input: see run.ts). */
  cxoneCallMs: number;
  cxoneCallsPerAssignment: number;
  /** Assumed round trip of one webhook POST to a WFM endpoint (a batch's deliveries run concurrently). */
  webhookMs: number;
  /** Assumed CPU time per invocation (parsing, validation, marshalling: §1 puts a 50-agent plan under 1 ms). */
  cpuMs: number;
}

/**
 * Durations built from the calls the code makes and assumed production round trips, instead of the local stack's
 * (where every AWS call goes to moto, a Python emulator, on a shared machine): what the same code would be billed
 * on AWS.
 */
export function modelledForAws(inputs: CostInputs, model: AwsModel): CostInputs {
  const calls = awsCallCounts(inputs);
  return {
    ...inputs,
    submitMsPerInvocation: calls.submit * model.awsCallMs + model.cpuMs,
    dispatchMsPerRecord:
      calls.dispatch * model.awsCallMs + model.cxoneCallsPerAssignment * model.cxoneCallMs + model.cpuMs,
    deliverMsPerInvocation: model.webhookMs + model.cpuMs,
  };
}

/** Monthly costs that do not depend on the number of assignments. */
export function fixedMonthlyCosts(options: {
  secrets: number;
  customMetrics: number;
  alarms: number;
}): number {
  return (
    options.secrets * PRICES.secretsManagerSecretMonth +
    options.customMetrics * PRICES.cloudWatchCustomMetricMonth +
    options.alarms * PRICES.cloudWatchAlarmMonth
  );
}
