// §5 Cost per million assignments, from measured durations, sizes and log volume, the memory sizes serverless.yml
// configures, and the calls each assignment makes as the code makes them (happy path: one submission, with or
// without Idempotency-Key, one WFM endpoint subscribed to every event, no retries). Every price is an assumption.

/** us-east-1 list prices (USD), first pricing tier, free tiers ignored. */
export const PRICES = {
  assumedOn: '2026-11-26 (the 2025 public list prices, assumed unchanged; not checked live)',
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

/** AWS calls one invocation makes on the happy path (lib/app/submit.ts, lib/app/dispatch.ts and the adapters). */
export const AWS_CALLS = {
  /** TransactWriteItems, SQS SendMessage, markEnqueued UpdateItem. */
  submit: 3,
  /**
   * GetItem ×2, UpdateItem dispatching, recordApplied, reserveSequence, final UpdateItem, SQS SendMessageBatch,
   * clearPendingEvents; the secret read is cached.
   */
  dispatchPerRecord: 8,
} as const;

export interface CostInputs {
  memoryMb: { submit: number; dispatch: number; deliver: number };
  /** Measured median handler durations. */
  submitMsPerInvocation: number;
  dispatchMsPerRecord: number;
  dispatchRecordsPerInvocation: number;
  deliverMsPerInvocation: number;
  deliverRecordsPerInvocation: number;
  webhooksPerAssignment: number;
  /** Handler log lines and bytes per assignment (EMF metric lines included). */
  logLinesPerAssignment: number;
  logBytesPerAssignment: number;
  /** DynamoDB item sizes (bytes): the assignment item, the campaign item, the WFM events held in pendingEvents. */
  assignmentItemBytes: number;
  campaignItemBytes: number;
  pendingEventsBytes: number;
  /** Whether the assignment changed agents (then a sequence range is reserved on the campaign item). */
  changesAgents: boolean;
  /** Whether the caller sent an Idempotency-Key (one more small item in the submission's transaction). */
  idempotencyKey: boolean;
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

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
const gb = (mb: number) => mb / 1024;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** DynamoDB calls of one assignment as lib/adapters/dynamo-assignment-store.ts makes them. */
export function dynamoUnitsPerAssignment(inputs: CostInputs): { writeUnits: number; readUnits: number } {
  const assignment = kb(inputs.assignmentItemBytes);
  const campaign = kb(inputs.campaignItemBytes);
  const withEvents = kb(inputs.assignmentItemBytes + inputs.pendingEventsBytes);
  const writeUnits =
    // submit: one TransactWriteItems (Put assignment + Update campaign, + Put idempotency claim under 1 KB;
    // transactional = 2×), then markEnqueued.
    2 * assignment +
    2 * campaign +
    (inputs.idempotencyKey ? 2 : 0) +
    assignment +
    // dispatch: status dispatching, recordApplied, reserveSequence (when agents changed), final status with
    // pendingEvents, clearPendingEvents (billed on the larger of the item before and after).
    assignment +
    campaign +
    (inputs.changesAgents ? campaign : 0) +
    withEvents +
    withEvents;
  // dispatch: strongly consistent GetItem of the assignment and of the campaign state.
  return {
    writeUnits,
    readUnits: readUnits(inputs.assignmentItemBytes) + readUnits(inputs.campaignItemBytes),
  };
}

export function costPerMillionAssignments(inputs: CostInputs): { lines: CostLine[]; total: number } {
  const million = 1e6;
  const dispatchInvocations = 1 / inputs.dispatchRecordsPerInvocation;
  const deliverInvocations = inputs.webhooksPerAssignment / inputs.deliverRecordsPerInvocation;
  const invocations = 1 + dispatchInvocations + deliverInvocations;
  const gbSeconds =
    gb(inputs.memoryMb.submit) * (inputs.submitMsPerInvocation / 1000) +
    gb(inputs.memoryMb.dispatch) * (inputs.dispatchMsPerRecord / 1000) +
    gb(inputs.memoryMb.deliver) * (inputs.deliverMsPerInvocation / 1000) * deliverInvocations;
  const { writeUnits, readUnits: reads } = dynamoUnitsPerAssignment(inputs);
  // FIFO: SendMessage; the event source mapping's ReceiveMessage and DeleteMessageBatch per batch.
  const fifoRequests = 1 + 2 * dispatchInvocations;
  // Standard: SendMessageBatch (10 per request), then receive + delete per batch.
  const standardRequests = Math.ceil(inputs.webhooksPerAssignment / 10) + 2 * deliverInvocations;
  const secretCallsPerMonth = inputs.warmContainersWithSecrets * ((730 * 3600) / inputs.secretsMaxAgeSeconds);
  const logEvents = inputs.logLinesPerAssignment + PLATFORM_LOG_EVENTS_PER_INVOCATION * invocations + 1;
  const logBytes =
    inputs.logBytesPerAssignment +
    PLATFORM_LOG_BYTES_PER_INVOCATION * invocations +
    ACCESS_LOG_BYTES +
    LOG_EVENT_OVERHEAD_BYTES * logEvents;
  const storedGbMonths =
    ((inputs.assignmentItemBytes + DYNAMO_ITEM_OVERHEAD_BYTES) / 1024 ** 3) * ASSIGNMENT_RETENTION_MONTHS;

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
      perAssignment: `${writeUnits} WRU`,
      usdPerMillion: writeUnits * PRICES.dynamoWriteRequestUnit * million,
    },
    {
      component: 'DynamoDB reads (on-demand)',
      perAssignment: `${reads} RRU`,
      usdPerMillion: reads * PRICES.dynamoReadRequestUnit * million,
    },
    {
      component: 'DynamoDB storage (90-day TTL)',
      perAssignment: `${round((inputs.assignmentItemBytes + DYNAMO_ITEM_OVERHEAD_BYTES) / 1024, 1)} KB × 3 months`,
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
  /** Assumed round trip of one call to the real CXone, and the calls per assignment (measured). */
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
  return {
    ...inputs,
    submitMsPerInvocation: AWS_CALLS.submit * model.awsCallMs + model.cpuMs,
    dispatchMsPerRecord:
      AWS_CALLS.dispatchPerRecord * model.awsCallMs +
      model.cxoneCallsPerAssignment * model.cxoneCallMs +
      model.cpuMs,
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
