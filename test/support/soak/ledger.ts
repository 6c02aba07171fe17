// The soak's own record of what it asked for and what the service answered: every accepted PUT in per-campaign
// order, and every assignment's status as polled (with the first final status seen, to catch a change after it).
import type { AssignmentView } from '../../../lib/app/api-schemas.ts';
import { FINAL_STATUSES } from './audit.ts';
import type { DesiredState, PlannedPut } from './desired-states.ts';
import { mapLimited, type SoakStackClient, sleep } from './stack-client.ts';

export interface AcceptedPut {
  assignmentId: string;
  campaignId: string;
  body: DesiredState;
}

export const isFinal = (status: string) => (FINAL_STATUSES as readonly string[]).includes(status);

export class SoakLedger {
  readonly accepted: AcceptedPut[] = [];
  /** The last accepted PUT of each campaign: PUTs of one campaign are sent one after the other. */
  readonly lastByCampaign = new Map<string, AcceptedPut>();
  readonly statuses = new Map<string, AssignmentView>();
  readonly firstFinalStatus = new Map<string, string>();

  record(put: AcceptedPut): void {
    this.accepted.push(put);
    this.lastByCampaign.set(put.campaignId, put);
  }

  /** Known assignments (accepted or found, e.g. rebalances) not yet seen in a final status. */
  pending(): string[] {
    const known = new Set([...this.accepted.map((a) => a.assignmentId), ...this.statuses.keys()]);
    return [...known].filter((id) => !isFinal(this.statuses.get(id)?.status ?? 'queued'));
  }

  /** GETs the given assignments (default: the pending ones) and records what they answer. */
  async poll(client: SoakStackClient, ids: string[] = this.pending(), parallel = 6): Promise<void> {
    await mapLimited(ids, parallel, async (id) => {
      const view = await client.assignment(id);
      this.statuses.set(id, view);
      if (isFinal(view.status) && !this.firstFinalStatus.has(id)) this.firstFinalStatus.set(id, view.status);
    });
  }
}

/**
 * Sends each campaign's PUTs in order, campaigns in parallel, and records the accepted ones. A PUT that is not
 * answered 202 fails the soak: every planned state is valid.
 */
export async function submitPlan(
  client: SoakStackClient,
  plan: PlannedPut[][],
  ledger: SoakLedger,
): Promise<void> {
  await Promise.all(
    plan.map(async (puts) => {
      for (const [index, put] of puts.entries()) {
        await sleep(put.pauseBeforeMs);
        const assignmentId = await client.submit(put.campaignId, put.body, `soak-${put.campaignId}-${index}`);
        ledger.record({ assignmentId, campaignId: put.campaignId, body: put.body });
      }
    }),
  );
}

export interface QuiescenceOptions {
  timeoutMs: number;
  /** Queues that must be empty (visible, in flight and delayed), by logical id. */
  queues: string[];
}

/**
 * Waits until the queues are empty and every known assignment is final, twice in a row one second apart. The
 * assignments are read only once the queues are empty (reading hundreds every second would slow the stack it
 * waits for). Returns how long it took; throws with what is still pending after the timeout.
 */
export async function waitForQuiescence(
  client: SoakStackClient,
  ledger: SoakLedger,
  options: QuiescenceOptions,
): Promise<number> {
  const started = Date.now();
  let quietPolls = 0;
  for (;;) {
    const depths = await Promise.all(options.queues.map((q) => client.depth(q)));
    const queued = depths.reduce((sum, d) => sum + d.visible + d.inFlight + d.delayed, 0);
    let pending = ledger.pending();
    if (queued === 0) {
      await ledger.poll(client, pending);
      pending = ledger.pending();
    }
    quietPolls = pending.length === 0 && queued === 0 ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return Date.now() - started;
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `not quiescent after ${options.timeoutMs} ms: ${pending.length} assignment(s) not final ` +
          `(${pending.slice(0, 5).join(', ')}…), ${queued} message(s) queued`,
      );
    }
    await sleep(1000);
  }
}
