// The soak's phases, on a running local stack: the faults while the desired states go in, the check of each
// campaign's CXone skill against its last desired state, the re-submissions, and gathering the evidence.
import type { LocalStack } from '../../../infra/local/stack.ts';
import type { CampaignPolicy } from '../../../lib/domain/schemas.ts';
import type { PlannedPut } from './desired-states.ts';
import { expectedSkillState, stateDifferences } from './expected-state.ts';
import { type SoakLedger, submitPlan, waitForQuiescence } from './ledger.ts';
import type { ReceivedWebhook, SandboxRequest, SoakStackClient } from './stack-client.ts';
import { sleep } from './stack-client.ts';

export const WORK_QUEUES = ['DispatchQueue', 'WfmEventsQueue'];

export interface FaultBurst {
  atMs: number;
  /** How long the burst lasts; with `untilFault`, the longest it may last. */
  durationMs: number;
  /** Ends the burst as soon as CXone's request log shows a request answered with this fault (e.g. `timeout`). */
  untilFault?: string;
  /** CXone faults for the stretch; afterwards these fields go back to their values in `FaultPlan.cxone`. */
  cxone: Record<string, number>;
}

export interface FaultPlan {
  /** CXone sandbox faults from the start (PUT /sandbox/faults). */
  cxone: Record<string, number | null>;
  /** The WFM receiver is down this long from the start, then fails `wfmFailRate` of the deliveries until `wfmHealedAtMs`. */
  wfmDownMs: number;
  wfmFailRate: number;
  wfmHealedAtMs: number;
  /** When every CXone token is revoked; from then on 429s carry no Retry-After. */
  revokeTokensAtMs: number;
  /** Stretches of harsher CXone faults, in time order, after the revocation (e.g. every request hangs). */
  bursts: FaultBurst[];
  duplicateDeliveryRate: number;
}

async function runTimeline(client: SoakStackClient, faults: FaultPlan, started: number): Promise<void> {
  const at = (ms: number) => sleep(Math.max(0, started + ms - Date.now()));
  const wfm = async () => {
    await at(faults.wfmDownMs);
    await client.setWfmFaults({ down: false, failRate: faults.wfmFailRate });
    await at(faults.wfmHealedAtMs);
    await client.clearWfmFaults();
  };
  const cxone = async () => {
    await at(faults.revokeTokensAtMs);
    await client.setCxoneFaults({ revokeTokensNow: true, retryAfterSeconds: null });
    for (const burst of faults.bursts) {
      await at(burst.atMs);
      const seen = (await client.cxoneRequests()).length;
      await client.setCxoneFaults(burst.cxone);
      const ends = started + burst.atMs + burst.durationMs;
      while (Date.now() < ends) {
        await sleep(Math.min(500, ends - Date.now()));
        const fault = burst.untilFault;
        if (fault && (await client.cxoneRequests()).slice(seen).some((r) => r.fault === fault)) break;
      }
      const restore = Object.fromEntries(
        Object.keys(burst.cxone).map((key) => [key, faults.cxone[key] ?? 0]),
      );
      await client.setCxoneFaults(restore);
    }
  };
  await Promise.all([wfm(), cxone()]);
}

/**
 * Turns the faults on, submits the plan, and clears every fault once all PUTs are in (and the timeline is
 * through). Returns how long the PUTs took.
 */
export async function submitUnderFaults(
  stack: LocalStack,
  client: SoakStackClient,
  plan: PlannedPut[][],
  ledger: SoakLedger,
  faults: FaultPlan,
): Promise<number> {
  const started = Date.now();
  await client.setCxoneFaults(faults.cxone);
  await client.setWfmFaults({ down: true });
  stack.setDuplicateDeliveryRate(faults.duplicateDeliveryRate);
  try {
    await Promise.all([submitPlan(client, plan, ledger), runTimeline(client, faults, started)]);
    return Date.now() - started;
  } finally {
    await client.clearCxoneFaults();
    await client.clearWfmFaults();
    stack.setDuplicateDeliveryRate(0);
  }
}

export interface StateCheck {
  /** Campaigns compared. */
  checked: number;
  /** One line per compared campaign whose CXone skill differs from its expected state. */
  mismatches: string[];
}

/**
 * Compares each campaign's CXone skill with the plan for now of its last accepted state; with `onlyWhereApplied`,
 * only the campaigns whose last state ended `applied`.
 */
export async function checkCampaignStates(
  client: SoakStackClient,
  policies: CampaignPolicy[],
  ledger: SoakLedger,
  options: { onlyWhereApplied: boolean },
): Promise<StateCheck> {
  const state = await client.cxoneState();
  const now = new Date();
  const result: StateCheck = { checked: 0, mismatches: [] };
  for (const policy of policies) {
    const last = ledger.lastByCampaign.get(policy.campaignId);
    if (!last) {
      result.mismatches.push(`${policy.campaignId}: no accepted state`);
      continue;
    }
    if (options.onlyWhereApplied && ledger.statuses.get(last.assignmentId)?.status !== 'applied') continue;
    result.checked += 1;
    const differences = stateDifferences(
      expectedSkillState(policy, last.body, now),
      state[String(policy.cxoneSkillId)] ?? [],
    );
    if (differences.length > 0) result.mismatches.push(`${policy.campaignId}: ${differences.join('; ')}`);
  }
  return result;
}

/** PUTs each campaign's last accepted state again and waits until quiescent; answers the new assignmentIds. */
export async function resubmitLastStates(
  client: SoakStackClient,
  policies: CampaignPolicy[],
  ledger: SoakLedger,
  round: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (const policy of policies) {
    const last = ledger.lastByCampaign.get(policy.campaignId);
    if (!last) continue;
    const assignmentId = await client.submit(
      policy.campaignId,
      last.body,
      `soak-${policy.campaignId}-round-${round}`,
    );
    ledger.record({ assignmentId, campaignId: policy.campaignId, body: last.body });
    ids.push(assignmentId);
  }
  await waitForQuiescence(client, ledger, { timeoutMs: 60_000, queues: WORK_QUEUES });
  return ids;
}

export interface SoakEvidence {
  cxoneRequests: SandboxRequest[];
  webhooks: ReceivedWebhook[];
  dispatchDlqBodies: string[];
  wfmDlqBodies: string[];
  /** ApproximateNumberOfMessages of each DLQ (moto's SQS API) before it was read. */
  dlqDepths: { DispatchDLQ: number; WfmEventsDLQ: number };
}

/**
 * Everything the audit needs. Assignments the soak did not submit (scheduled rebalances) are found through the
 * CorrelationIds of CXone's request log and the events, and read too; then every status is read once more.
 */
export async function collectEvidence(client: SoakStackClient, ledger: SoakLedger): Promise<SoakEvidence> {
  const [cxoneRequests, webhooks] = await Promise.all([client.cxoneRequests(), client.webhooks()]);
  const mentioned = new Set<string>();
  for (const request of cxoneRequests) if (request.correlationId) mentioned.add(request.correlationId);
  for (const hook of webhooks) {
    const id = (JSON.parse(hook.body) as { data?: { assignmentId?: string } }).data?.assignmentId;
    if (id) mentioned.add(id);
  }
  await ledger.poll(
    client,
    [...mentioned].filter((id) => !ledger.statuses.has(id)),
  );
  await ledger.poll(client, [...ledger.statuses.keys()]);
  const [dispatchDlq, wfmDlq] = await Promise.all([
    client.depth('DispatchDLQ'),
    client.depth('WfmEventsDLQ'),
  ]);
  const dlqDepths = { DispatchDLQ: dispatchDlq.visible, WfmEventsDLQ: wfmDlq.visible };
  const [dispatchDlqBodies, wfmDlqBodies] = await Promise.all([
    client.drainDlq('DispatchDLQ'),
    client.drainDlq('WfmEventsDLQ'),
  ]);
  return { cxoneRequests, webhooks, dispatchDlqBodies, wfmDlqBodies, dlqDepths };
}
