// `npm run bench`: every benchmark of docs/performance.md in one run, printed as one Markdown table on stdout
// (progress goes to stderr). BENCH_QUICK=1 runs a small version of each section as a smoke test.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { arch, cpus, loadavg, platform } from 'node:os';
import { type ColdStartRun, measureColdStarts, type PackagedService, packageService } from './cold-start.ts';
import {
  awsCallCounts,
  awsCallsPerAssignment,
  costPerMillionAssignments,
  dynamoUnitsPerAssignment,
  fixedMonthlyCosts,
  modelledForAws,
  PRICES,
  previousLayoutWriteUnits,
} from './cost-model.ts';
import { GoodputCorrectnessError, type GoodputResult, runGoodputBench } from './dispatch-goodput.ts';
import { type E2eResult, runE2eBench } from './e2e.ts';
import { p50, p99, type RateCeilingResult, type RateRun, runRateCeilingBench } from './rate-ceiling.ts';
import { RESULT_MARKER, type SchedulerBenchResult, summarize } from './scheduler.ts';
import { median, percentile } from './stats.ts';
import {
  formatKiB,
  formatMs,
  formatNumber,
  formatPercent,
  formatRatio,
  formatUsd,
  type Row,
  renderTable,
  verdictOf,
} from './table.ts';
import { runValidationBench, type ValidationResult } from './validation.ts';

const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=2,5: run only those sections (a section another needs, like §2 and §4 for §5, must be listed too). */
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const runs = (section: number) => ONLY.size === 0 || ONLY.has(String(section));

const CONFIG = QUICK
  ? {
      validation: { sizes: [1, 50, 500], rounds: 8, batchMs: 10 },
      coldStartRounds: 3,
      goodput: { campaigns: 20, agentsPerCampaign: 10, changesPerAssignment: 2, rateLimitPerSecond: 50 },
      e2e: { campaigns: 3, agentsPerCampaign: 20, assignmentsPerCampaign: 4, dispatchConcurrency: 3 },
      e2eTimeoutMs: 240_000,
      rate: {
        campaigns: 10,
        agentsPerCampaign: 20,
        changesPerAssignment: 2,
        instances: 5,
        ceiling: 50,
        sandboxLimit: 20,
        durationMs: 10_000,
        hotDurationMs: 5_000,
      },
    }
  : {
      validation: { sizes: [1, 50, 500], rounds: 40, batchMs: 25 },
      coldStartRounds: 12,
      goodput: { campaigns: 20, agentsPerCampaign: 100, changesPerAssignment: 2, rateLimitPerSecond: 50 },
      e2e: { campaigns: 3, agentsPerCampaign: 20, assignmentsPerCampaign: 67, dispatchConcurrency: 3 },
      e2eTimeoutMs: 360_000,
      rate: {
        campaigns: 20,
        agentsPerCampaign: 100,
        changesPerAssignment: 2,
        instances: 5,
        ceiling: 50,
        sandboxLimit: 20,
        durationMs: 60_000,
        hotDurationMs: 15_000,
      },
    };

const TARGETS = {
  validationRatio: 10,
  zipBytes: 400 * 1024,
  initRatio: 1.15,
  budgetUse: 0.9,
  share429: 0.01,
  requestsPerAssignment: 1.3,
  goodputRatio: 1.0,
  rate429: 0.02,
  rateGoodput: 0.8,
  hotShare: 0.8,
  costPerMillionUsd: 25,
};
/** Assumed production round trips and CPU time, for the cost modelled for AWS (see docs/performance.md). */
const AWS_MODEL = { awsCallMs: 10, cxoneCallMs: 150, webhookMs: 150, cpuMs: 10 };

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

function validationRows(results: ValidationResult[]): Row[] {
  const rows: Row[] = results.map((r) => {
    const row: Row = {
      section: '1 validate + plan',
      metric: `${r.agents} agent${r.agents === 1 ? '' : 's'} (${formatKiB(r.bytes)}), parse included`,
      value: `${formatNumber(r.agentsPerSecond)} agents/s; ${formatRatio(r.ratio)} JSON.parse (${formatMs(r.fullMs)} vs ${formatMs(r.parseMs)})`,
    };
    if (r.agents === 500) {
      row.target = `≤ ${TARGETS.validationRatio}× JSON.parse`;
      row.verdict = verdictOf(r.ratio <= TARGETS.validationRatio);
    }
    return row;
  });
  const largest = results.at(-1);
  if (largest) {
    rows.push({
      section: '1 validate + plan',
      metric: `${largest.agents} agents: where it goes`,
      value: `validate ${formatRatio(largest.validateRatio)}, plan ${formatRatio(largest.planRatio)} JSON.parse; median of ${largest.rounds} interleaved rounds`,
    });
  }
  return rows;
}

function coldStartRows({ functions, zodProbe }: ColdStartRun): Row[] {
  const kib = (bytes: number) => (bytes / 1024).toFixed(0);
  const rows = functions.flatMap((r): Row[] => {
    const clients = r.floorClients
      .map((c) => (c.count > 1 ? `${c.count} × ${c.name}` : c.count === 0 ? `${c.name} (imported)` : c.name))
      .join(' + ');
    const beyond = r.beyondFloor.map((g) => `${g.group} ${kib(g.bytes)}`).join(', ');
    return [
      {
        section: '2 cold start',
        metric: `${r.key}: init ÷ floor`,
        value: `${formatRatio(r.ratio)} (init ${formatMs(r.initMs)} vs floor ${formatMs(r.floorMs)}; best ${formatMs(r.initMsBest)} vs ${formatMs(r.floorMsBest)}; floor: ${clients || 'no SDK client'}; KiB beyond it: ${beyond || 'none'})`,
        target: `≤ ${TARGETS.initRatio}× floor`,
        verdict: verdictOf(r.ratio <= TARGETS.initRatio),
      },
      {
        section: '2 cold start',
        metric: `${r.key}: zip (${r.memoryMb} MB)`,
        value: formatKiB(r.zipBytes),
        target: '≤ 400 KiB',
        verdict: verdictOf(r.zipBytes <= TARGETS.zipBytes),
      },
    ];
  });
  rows.push({
    section: '2 cold start',
    metric: `classic zod alone: ${zodProbe.key}'s floor + zod`,
    value: `${formatRatio(zodProbe.ratio)} its floor (${formatMs(zodProbe.ms)} vs ${formatMs(zodProbe.floorMs)}; zod evaluated with one small schema); medians of ${functions[0]?.rounds ?? 0} interleaved rounds`,
  });
  return rows;
}

function goodputRows(result: GoodputResult): Row[] {
  const { real, naive, options } = result;
  const rate = options.rateLimitPerSecond;
  const seconds = (run: GoodputResult['real']) => run.elapsedMs / 1000;
  const goodput = (run: GoodputResult['real']) => run.changesApplied / seconds(run);
  const share429 = (run: GoodputResult['real']) => run.requests.status429 / run.requests.limited;
  const perAssignment = (run: GoodputResult['real'], n: number) => formatNumber(n / run.assignments, 2);
  const section = '3 dispatch goodput';
  const realUse = real.requests.ok / seconds(real) / rate;
  const realWriteUse = real.requests.writesOk / seconds(real) / rate;
  const requestsPerAssignment = real.requests.limited / real.assignments;
  const ratio = goodput(real) / goodput(naive);
  const resubmissionReads = (counts: GoodputResult['real']['resubmission']) =>
    counts.skillReads + counts.directoryReads;
  const confirmed = Object.entries(real.confirmedBy)
    .map(([by, n]) => `${n} by ${by.replace('_', ' ')}`)
    .join(', ');
  const load = `${real.changesWanted} agent changes, ${options.campaigns} campaigns, ${real.assignments} assignments of ${options.changesPerAssignment}; CXone limit ${rate}/s`;
  return [
    { section, metric: 'workload', value: load },
    {
      section,
      metric: 'CXone requests per assignment',
      value: `${formatNumber(requestsPerAssignment, 2)} (${real.requests.limited} requests for ${real.assignments} assignments; naive: ${perAssignment(naive, naive.requests.limited)})`,
      target: `≤ ${TARGETS.requestsPerAssignment}`,
      verdict: verdictOf(requestsPerAssignment <= TARGETS.requestsPerAssignment),
    },
    {
      section,
      metric: 'real: requests per assignment by kind',
      value: `${perAssignment(real, real.requests.skillReads)} skill reads (${real.requests.skillReads}) + ${perAssignment(real, real.requests.directoryReads)} agent-directory reads (${real.requests.directoryReads}) + ${perAssignment(real, real.requests.writes)} writes (${real.requests.writes}) + ${perAssignment(real, real.requests.token)} token (${real.requests.token}) + ${real.requests.status429} 429s; results confirmed ${confirmed}; ${real.fellBack} fell back to a read`,
    },
    {
      section,
      metric: 'agent changes/s real ÷ naive',
      value: `${formatRatio(ratio)} (${formatNumber(goodput(real), 1)} vs ${formatNumber(goodput(naive), 1)}; ${formatNumber(seconds(real), 1)} s vs ${formatNumber(seconds(naive), 1)} s; landed ${real.changesApplied}/${real.changesWanted} vs ${naive.changesApplied}/${naive.changesWanted}; failed assignments ${real.failedAssignments} vs ${naive.failedAssignments}; real: CXone = last desired state on every skill)`,
      target: `≥ ${formatRatio(TARGETS.goodputRatio)}`,
      verdict: verdictOf(ratio >= TARGETS.goodputRatio),
    },
    {
      section,
      metric: 'real: requests per assignment after each campaign’s first',
      value: `${formatNumber(real.steady.requests / real.steady.assignments, 2)} (${real.steady.requests} requests for ${real.steady.assignments} assignments: the steady state, the campaign’s applied state and the agent directory known)`,
    },
    {
      section,
      metric: 'agent changes/s: where the difference comes from',
      value: `successful requests/s real ${formatNumber(real.requests.ok / seconds(real), 1)} vs naive ${formatNumber(naive.requests.ok / seconds(naive), 1)} (the naive client also spends the sandbox's full bucket of ${rate} at the start; the real limiter spaces requests from the first); real requests beyond one write per assignment: ${real.requests.limited - real.requests.writes} (${real.requests.skillReads} skill reads, ${real.requests.directoryReads} directory pages, ${real.requests.token} token), ${formatNumber((real.requests.limited - real.requests.writes) / rate, 1)} s at ${rate}/s`,
    },
    {
      section,
      metric: 'real: successful CXone requests ÷ limit',
      value: `${formatNumber(realUse, 2)} (${real.requests.ok} in ${formatNumber(seconds(real), 1)} s)`,
      target: `≥ ${TARGETS.budgetUse}`,
      verdict: verdictOf(realUse >= TARGETS.budgetUse),
    },
    {
      section,
      metric: 'real: successful writes ÷ limit',
      value: `${formatNumber(realWriteUse, 2)} (${real.requests.writesOk} writes of ≤ 100 agents)`,
      target: `≥ ${TARGETS.budgetUse} (as issue 7 words it)`,
      verdict: verdictOf(realWriteUse >= TARGETS.budgetUse),
    },
    {
      section,
      metric: 'real: 429s ÷ requests',
      value: `${formatPercent(share429(real), 2)} (${real.requests.status429} of ${real.requests.limited})`,
      target: '≤ 1 %',
      verdict: verdictOf(share429(real) <= TARGETS.share429),
    },
    {
      section,
      metric: 'real: converged resubmission (trusted picture; without one)',
      value: `${resubmissionReads(real.resubmission)} reads, ${real.resubmission.writes} writes; without: ${resubmissionReads(real.resubmissionUntrusted)} read, ${real.resubmissionUntrusted.writes} writes`,
      target: '0 reads, 0 writes; without: 1 read, 0 writes',
      verdict: verdictOf(
        resubmissionReads(real.resubmission) === 0 &&
          real.resubmission.writes === 0 &&
          resubmissionReads(real.resubmissionUntrusted) === 1 &&
          real.resubmissionUntrusted.writes === 0,
      ),
    },
    {
      section,
      metric: 'naive (Go sketch): 429s ÷ requests',
      value: `${formatPercent(share429(naive), 1)} (${naive.requests.status429} of ${naive.requests.limited}); ${perAssignment(naive, naive.requests.limited)} requests per assignment; resubmission: ${naive.resubmission.writes} write`,
    },
  ];
}

function e2eRows(result: E2eResult): Row[] {
  const section = '4 end to end';
  const a = result.assignments;
  const pcts = (values: number[]) =>
    `p50 ${formatMs(percentile(values, 50))}, p95 ${formatMs(percentile(values, 95))}, p99 ${formatMs(percentile(values, 99))}`;
  const valid = (values: number[]) => values.filter(Number.isFinite);
  const statuses = new Map<string, number>();
  for (const x of a) statuses.set(x.status, (statuses.get(x.status) ?? 0) + 1);
  const webhookLeg = a.map((x) => x.acceptedToWebhookMs - x.totalMs);
  const rest = a.map((x) => x.totalMs - x.queueWaitMs - x.cxoneMs);
  return [
    {
      section,
      metric: 'assignments measured',
      value: `${a.length} (${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}), each 1 removal + 1 addition on a ${CONFIG.e2e.agentsPerCampaign}-agent campaign; ${CONFIG.e2e.campaigns} campaigns in parallel; ${result.putRetries} PUTs retried (5xx/409, same Idempotency-Key)`,
    },
    {
      section,
      metric: 'accepted → CXone write acknowledged',
      value: pcts(valid(a.map((x) => x.acceptedToWriteMs))),
    },
    {
      section,
      metric: 'accepted → WFM webhook received',
      value: pcts(valid(a.map((x) => x.acceptedToWebhookMs))),
    },
    {
      section,
      metric: 'where the time goes (medians)',
      value: `queue wait ${formatMs(median(a.map((x) => x.queueWaitMs)))}, CXone ${formatMs(median(a.map((x) => x.cxoneMs)))}, rest of dispatch (DynamoDB, SQS) ${formatMs(median(rest))}, final status → webhook ${formatMs(median(webhookLeg))}`,
    },
    { section, metric: 'PUT round trip (202)', value: pcts(a.map((x) => x.putMs)) },
    {
      section,
      metric: 'one DynamoDB GetItem to moto, during the run',
      value: `${pcts(result.awsCallMs)} (${result.awsCallMs.length} samples): the local stack's AWS is the slow part`,
    },
  ];
}

/**
 * CXone calls per assignment assumed when §3 did not run in the same run: issue 16's target for §3 (≤ 1.3 requests
 * per assignment on the goodput workload).
 */
const DEFAULT_CXONE_CALLS_PER_ASSIGNMENT = 1.3;
/**
 * DynamoDB claims of the shared CXone rate budget per CXone request: §7's many-campaign figure (5 instances sharing
 * 20/s, 2026-12-01), the worse of its two workloads (one hot campaign: 0.21). §7 runs after §5, so it is a constant.
 */
const RATE_CLAIMS_PER_CXONE_CALL = 0.74;

/**
 * CXone calls per assignment for the durations modelled for AWS: §3's measured requests per assignment (the goodput
 * workload: what a dispatch costs CXone, token and directory reads included) when §3 ran in this run, else the
 * documented default above.
 */
function cxoneCallsPerAssignment(goodput: GoodputResult | undefined) {
  if (goodput) {
    const { real } = goodput;
    return { calls: real.requests.limited / real.assignments, source: '§3 measured' };
  }
  return { calls: DEFAULT_CXONE_CALLS_PER_ASSIGNMENT, source: 'default: §3 not run, its ≤ 1.3 target' };
}

/** Whole numbers as they are, fractions (the rate budget's claims) to two decimals. */
const units2 = (value: number) => String(Number(value.toFixed(2)));

function costRows(e2e: E2eResult, service: PackagedService, goodput?: GoodputResult): Row[] {
  const section = '5 cost / 1M assignments';
  const memory = (key: string) => service.functions.find((fn) => fn.key === key)?.memoryMb ?? Number.NaN;
  const of = (fn: string) => e2e.invocations.filter((inv) => inv.fn === fn);
  const mean = (values: number[]) => values.reduce((t, v) => t + v, 0) / values.length;
  const n = e2e.assignments.length;
  const cxone = cxoneCallsPerAssignment(goodput);
  const inputs = {
    memoryMb: {
      submit: memory('submitAssignment'),
      dispatch: memory('dispatchAssignments'),
      deliver: memory('deliverWfmWebhook'),
    },
    submitMsPerInvocation: median(of('submit-assignment').map((inv) => inv.ms)),
    dispatchMsPerRecord: median(of('dispatch-assignments').map((inv) => inv.ms / inv.records)),
    dispatchRecordsPerInvocation: mean(of('dispatch-assignments').map((inv) => inv.records)),
    deliverMsPerInvocation: median(of('deliver-wfm-webhook').map((inv) => inv.ms)),
    deliverInvocationsPerAssignment: of('deliver-wfm-webhook').length / n,
    webhooksPerAssignment: e2e.webhooksPerAssignment,
    // An assignment's events are queued in one SendMessageBatch and received together.
    fanOutBatchesPerAssignment: Math.ceil(e2e.webhooksPerAssignment / 10),
    rateBudgetClaimsPerAssignment: cxone.calls * RATE_CLAIMS_PER_CXONE_CALL,
    logLinesPerAssignment: (e2e.logs.lines - e2e.logs.pollingLines) / n,
    logBytesPerAssignment: (e2e.logs.bytes - e2e.logs.pollingBytes) / n,
    items: e2e.itemBytes,
    // §4's assignments each remove one agent and add one the campaign did not manage.
    changesAgents: true,
    addsAgents: true,
    idempotencyKey: true,
    // §4's submissions keep every agent's window, so no dispatch moves the campaign's due instant.
    scheduleMovesPerAssignment: 0,
    assignmentsPerMonth: 1e6,
    warmContainersWithSecrets: 10,
    secretsMaxAgeSeconds: 300,
  };
  const { lines, total } = costPerMillionAssignments(inputs);
  // §4's own CXone calls (skill reads + writes per assignment, median), for comparison.
  const e2eCxone = median(e2e.assignments.map((x) => x.cxoneReads + x.cxoneWrites));
  const withE2eCxone = costPerMillionAssignments(
    modelledForAws(inputs, { ...AWS_MODEL, cxoneCallsPerAssignment: e2eCxone }),
  );
  const model = { ...AWS_MODEL, cxoneCallsPerAssignment: cxone.calls };
  const modelled = modelledForAws(inputs, model);
  const onAws = costPerMillionAssignments(modelled);
  const calls = awsCallCounts(inputs);
  const units = dynamoUnitsPerAssignment(inputs);
  const before = previousLayoutWriteUnits(inputs, e2e.previousItemBytes);
  const writes = awsCallsPerAssignment(inputs)
    .filter((call) => call.writeUnits > 0 && call.count > 0)
    .map((call) => `${call.call} ${units2(call.writeUnits * call.count)}`)
    .join(', ');
  const { items } = inputs;
  const kib = (bytes: number) => formatKiB(bytes);
  return [
    {
      section,
      metric: 'inputs (measured in §4)',
      value: `submit ${formatMs(inputs.submitMsPerInvocation)} @ ${inputs.memoryMb.submit} MB; dispatch ${formatMs(inputs.dispatchMsPerRecord)}/assignment @ ${inputs.memoryMb.dispatch} MB; deliver ${formatMs(inputs.deliverMsPerInvocation)}/invocation, ${formatNumber(inputs.deliverInvocationsPerAssignment, 2)} per assignment @ ${inputs.memoryMb.deliver} MB; ${formatNumber(inputs.webhooksPerAssignment, 1)} webhooks; ${formatNumber(inputs.logLinesPerAssignment, 1)} handler log lines per assignment`,
    },
    {
      section,
      metric: 'handler log lines per assignment, by kind',
      value: Object.entries(e2e.logs.byKind)
        .sort(([, a], [, b]) => b.bytes - a.bytes)
        .map(
          ([kind, c]) =>
            `${kind} ${formatNumber(c.lines / n, 2)} (${formatNumber(c.bytes / n / 1024, 2)} KB)`,
        )
        .join('; '),
    },
    {
      section,
      metric: 'DynamoDB items (bytes as billed)',
      value: `assignment status ${kib(items.assignment)} + desired state ${kib(items.desired)} + pending events ${kib(items.pendingEvents)} (packed); campaign ${kib(items.campaign)}, counter ${kib(items.counter)}, schedule ${kib(items.schedule)}, idempotency claim ${kib(items.idempotency)}. Previous layout, same data: assignment ${kib(e2e.previousItemBytes.assignment)}, campaign ${kib(e2e.previousItemBytes.campaign)}, events ${kib(e2e.previousItemBytes.pendingEvents)}`,
    },
    {
      section,
      metric: 'DynamoDB write units per assignment',
      value: `${units2(units.writeUnits)} WRU (${writes}); ${units2(units.readUnits)} RRU`,
    },
    {
      section,
      metric: 'DynamoDB write units per assignment, previous layout (same data, same run)',
      value: `${before} WRU (${formatUsd(before * PRICES.dynamoWriteRequestUnit * 1e6)} per million)`,
    },
    ...lines.map((line) => ({
      section,
      metric: line.component,
      value: `${formatUsd(line.usdPerMillion)} (${line.perAssignment}); modelled for AWS ${formatUsd(onAws.lines.find((l) => l.component === line.component)?.usdPerMillion ?? Number.NaN)}`,
    })),
    { section, metric: 'total per million assignments, as measured locally', value: formatUsd(total) },
    {
      section,
      metric: 'Lambda durations, modelled for AWS',
      value: `${units2(calls.submit)} + ${units2(calls.dispatch)} AWS calls × ${model.awsCallMs} ms, ${formatNumber(model.cxoneCallsPerAssignment, 2)} CXone calls (${cxone.source}) × ${model.cxoneCallMs} ms, webhook ${model.webhookMs} ms, CPU ${model.cpuMs} ms → submit ${formatMs(modelled.submitMsPerInvocation)}, dispatch ${formatMs(modelled.dispatchMsPerRecord)}, deliver ${formatMs(modelled.deliverMsPerInvocation)}`,
    },
    {
      section,
      metric: 'total per million assignments, modelled for AWS',
      value: `${formatUsd(onAws.total)} (with §4's own ${formatNumber(e2eCxone, 1)} CXone calls per assignment: ${formatUsd(withE2eCxone.total)})`,
      target: `≤ ${formatUsd(TARGETS.costPerMillionUsd)}`,
      verdict: verdictOf(onAws.total <= TARGETS.costPerMillionUsd),
    },
    {
      section,
      metric: 'fixed per month (not per assignment)',
      value: `${formatUsd(fixedMonthlyCosts({ secrets: 2, customMetrics: 8, alarms: 6 }))} (2 secrets, ~8 custom metrics, 6 alarms) + SQS idle polling`,
    },
  ];
}

const SCHEDULER_TARGETS = { tickRatio: 1.5, lagMs: 30_000 };

/** bench/scheduler.ts in a child process: the local stack's handlers print EMF lines on stdout. */
function runSchedulerChild(): Promise<SchedulerBenchResult> {
  const child = spawn(process.execPath, [new URL('./scheduler.ts', import.meta.url).pathname], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) reject(new Error(`bench/scheduler.ts exited with ${code} and no result`));
      else resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as SchedulerBenchResult);
    });
  });
}

function schedulerRows(result: SchedulerBenchResult): Row[] {
  const section = '6 scheduler';
  const { p50LagMs, p99LagMs, ratio } = summarize(result);
  const rows: Row[] = result.ticks.map((tick) => ({
    section,
    metric: `one tick, ${formatNumber(tick.configured)} configured, ${tick.due} due (moto)`,
    value: `${formatMs(tick.medianMs)} median (index query ${formatMs(tick.queryMs)}); ${formatNumber(tick.itemsRead)} index items read, ${tick.dynamoCalls} DynamoDB + ${tick.sqsCalls} SQS calls`,
  }));
  rows.push({
    section,
    metric: `tick work, ${formatNumber(result.ticks.at(-1)?.configured ?? 0)} vs ${formatNumber(result.ticks[0]?.configured ?? 0)} configured`,
    value: formatRatio(ratio),
    target: `≤ ${SCHEDULER_TARGETS.tickRatio}×`,
    verdict: verdictOf(ratio <= SCHEDULER_TARGETS.tickRatio),
  });
  rows.push({
    section,
    metric: `activation lag after a window opens (${result.lagsMs.length} windows, local stack)`,
    value: `p50 ${formatMs(p50LagMs)}, p99 ${formatMs(p99LagMs)}`,
    target: `≤ ${formatMs(SCHEDULER_TARGETS.lagMs)}`,
    verdict: verdictOf(p99LagMs <= SCHEDULER_TARGETS.lagMs),
  });
  return rows;
}

function rateRows(result: RateCeilingResult): Row[] {
  const section = '7 rate ceiling';
  const { options, shared, perInstance, hotShared, hotPerInstance } = result;
  const seconds = (run: RateRun) => run.elapsedMs / 1000;
  const share429 = (run: RateRun) => run.requests.status429 / run.requests.limited;
  const goodput = (run: RateRun) => run.requests.ok / seconds(run) / options.sandboxLimit;
  const hot = (run: RateRun) => run.requests.limited / seconds(run) / options.ceiling;
  const fairness = (run: RateRun) => Math.min(...run.okPerInstance) / Math.max(...run.okPerInstance);
  const describe429 = (run: RateRun) =>
    `${formatPercent(share429(run), 2)} (${run.requests.status429} of ${run.requests.limited}; second half ${formatPercent(run.late429 / run.lateRequests, 2)})`;
  const describeGoodput = (run: RateRun) =>
    `${formatNumber(goodput(run), 2)} (${formatNumber(run.requests.ok / seconds(run), 1)}/s: ${run.requests.ok} ok in ${formatNumber(seconds(run), 1)} s; ${run.assignments} assignments, ${run.failedAssignments} failed)`;
  const calls = shared.budgetCalls.claim + shared.budgetCalls.read + shared.budgetCalls.decrease;
  const hotCalls = hotShared.budgetCalls.claim + hotShared.budgetCalls.read + hotShared.budgetCalls.decrease;
  const load = `${options.campaigns} campaigns × ${options.agentsPerCampaign} agents, ${options.changesPerAssignment} per assignment, for ${formatNumber(options.durationMs / 1000)} s; ${options.instances} instances; ceiling ${options.ceiling}/s, CXone (sandbox) ${options.sandboxLimit}/s; goodput = successful rate-limited CXone requests per second`;
  return [
    { section, metric: 'workload', value: load },
    {
      section,
      metric: 'shared: 429s ÷ requests',
      value: describe429(shared),
      target: `≤ ${TARGETS.rate429 * 100} %`,
      verdict: verdictOf(share429(shared) <= TARGETS.rate429),
    },
    { section, metric: 'before, per instance (5 × 10/s): 429s ÷ requests', value: describe429(perInstance) },
    {
      section,
      metric: `shared: goodput ÷ ${options.sandboxLimit}/s`,
      value: describeGoodput(shared),
      target: `≥ ${TARGETS.rateGoodput}`,
      verdict: verdictOf(goodput(shared) >= TARGETS.rateGoodput),
    },
    {
      section,
      metric: `before, per instance: goodput ÷ ${options.sandboxLimit}/s`,
      value: describeGoodput(perInstance),
    },
    {
      section,
      metric: 'shared: fairness (fewest ÷ most successful requests of an instance)',
      value: `${formatNumber(fairness(shared), 2)} (${shared.okPerInstance.join(', ')}); before ${formatNumber(fairness(perInstance), 2)}`,
    },
    {
      section,
      metric: 'one hot campaign alone ÷ ceiling',
      value: `${formatNumber(hot(hotShared), 2)} (${formatNumber(hotShared.requests.limited / seconds(hotShared), 1)}/s of ${options.ceiling}/s, CXone allowing ${options.ceiling}/s; ${hotShared.requests.status429} 429s)`,
      target: `≥ ${TARGETS.hotShare}`,
      verdict: verdictOf(hot(hotShared) >= TARGETS.hotShare),
    },
    {
      section,
      metric: 'before, per instance: one hot campaign alone ÷ ceiling',
      value: `${formatNumber(hot(hotPerInstance), 2)} (${formatNumber(hotPerInstance.requests.limited / seconds(hotPerInstance), 1)}/s)`,
    },
    {
      section,
      metric: 'budget cost: DynamoDB calls per CXone request',
      value: `${formatNumber(calls / shared.requests.limited, 2)} (${shared.budgetCalls.claim} claim calls for ${shared.leases.claims} leases, ${shared.leases.empty} of them finding the slot full, ${shared.leases.tokens} tokens; ${shared.budgetCalls.read} state reads; ${shared.budgetCalls.decrease} decrease writes; ${shared.requests.limited} requests); hot campaign ${formatNumber(hotCalls / hotShared.requests.limited, 2)}`,
    },
    {
      section,
      metric: 'budget cost: DynamoDB round trip (moto, local)',
      value: `p50 ${formatMs(p50(shared.budgetCallMs))}, p99 ${formatMs(p99(shared.budgetCallMs))}; paid by 1 request in ${formatNumber(shared.requests.limited / Math.max(1, shared.budgetCalls.claim), 1)}, and hidden when the token's time is still ahead`,
    },
  ];
}

function notMeasured(section: string, metric: string, error: unknown): Row {
  return { section, metric, value: `not measured: ${reason(error)}`, verdict: 'not measured' };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const started = Date.now();
  log(`${QUICK ? 'quick' : 'full'} run`);

  if (runs(1)) {
    log('§1 validation + planning');
    rows.push(...validationRows(runValidationBench(CONFIG.validation)));
  }

  let service: PackagedService | undefined;
  if (runs(2) || runs(5))
    try {
      log('§2 cold start: serverless package');
      service = await packageService(log);
      rows.push(...coldStartRows(await measureColdStarts(service, CONFIG.coldStartRounds, log)));
    } catch (error) {
      rows.push(notMeasured('2 cold start', 'all functions', error));
    }

  let goodput: GoodputResult | undefined;
  if (runs(3))
    try {
      log('§3 dispatch goodput');
      goodput = await runGoodputBench(CONFIG.goodput, log);
      rows.push(...goodputRows(goodput));
    } catch (error) {
      rows.push(notMeasured('3 dispatch goodput', 'real and naive clients', error));
      if (error instanceof GoodputCorrectnessError) process.exitCode = 1;
    }

  let e2e: E2eResult | undefined;
  if (runs(4) || runs(5))
    try {
      log('§4 end to end on the local stack');
      e2e = await runE2eBench(CONFIG.e2e, log, CONFIG.e2eTimeoutMs);
      rows.push(...e2eRows(e2e));
    } catch (error) {
      rows.push(notMeasured('4 end to end', 'latency', error));
    }

  if (runs(5)) {
    if (e2e && service) rows.push(...costRows(e2e, service, goodput));
    else rows.push(notMeasured('5 cost / 1M assignments', 'all', new Error('needs §2 and §4')));
  }
  if (service) await rm(service.dir, { recursive: true, force: true });

  if (runs(6))
    try {
      log('§6 scheduler: tick work and activation lag');
      rows.push(...schedulerRows(await runSchedulerChild()));
    } catch (error) {
      rows.push(notMeasured('6 scheduler', 'tick work and activation lag', error));
    }

  if (runs(7))
    try {
      log('§7 rate ceiling shared by the tenant');
      rows.push(...rateRows(await runRateCeilingBench(CONFIG.rate, log)));
    } catch (error) {
      rows.push(notMeasured('7 rate ceiling', 'shared and per-instance limits', error));
    }

  const cpu = cpus();
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  process.stdout.write(
    [
      `cxone-assignments bench, ${new Date().toISOString()}${QUICK ? ' (BENCH_QUICK=1)' : ''}`,
      `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${platform()} ${arch()}, Node ${process.versions.node}, load average at the end ${load}; took ${formatNumber((Date.now() - started) / 1000)} s`,
      `prices: us-east-1 list prices assumed for ${PRICES.assumedOn}`,
      '',
      renderTable(rows),
      '',
    ].join('\n'),
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
