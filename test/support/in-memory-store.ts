// An AssignmentStore in memory with the DynamoDB store's semantics: conditional writes, the atomic idempotency claim,
// the conditional rebalance, and per-campaign sequence reservation. Values are copied in and out (like a real
// table), so callers never share objects with what is stored.
import type { AppliedState, AssignmentRecord, CampaignState, DriftCheckRecord } from '../../lib/app/model.ts';
import type { AssignmentStore, CreateAssignmentOutcome, IdempotencyClaim } from '../../lib/app/ports.ts';

/** What DynamoDB answers when a condition fails outside a transaction. */
export class ConditionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionalCheckFailedException';
  }
}

interface IdempotencyItem {
  bodyHash: string;
  assignmentId: string;
  claimedAt: string;
}

/** JSON round trip: what a write then a read through the table would give back (undefined values dropped). */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class InMemoryAssignmentStore implements AssignmentStore {
  readonly assignments = new Map<string, AssignmentRecord>();
  readonly campaigns = new Map<string, CampaignState>();
  readonly idempotency = new Map<string, IdempotencyItem>();
  readonly sequences = new Map<string, number>();

  /** Seeds a stored assignment (and, with `latest`, makes it the campaign's desired state). */
  seed(record: AssignmentRecord, options: { latest?: boolean; lastApplied?: AppliedState } = {}): void {
    this.assignments.set(record.assignmentId, copy(record));
    if (options.latest ?? true) {
      // Like a submission: the managed agents and the last drift check stay (they are not part of a desired state).
      const { managedAgents, lastDriftCheck } = this.campaigns.get(record.campaignId) ?? {};
      this.campaigns.set(record.campaignId, {
        ...(managedAgents ? { managedAgents } : {}),
        ...(lastDriftCheck ? { lastDriftCheck } : {}),
        campaignId: record.campaignId,
        latestAssignmentId: record.assignmentId,
        desired: copy(record.desired),
        submittedAt: record.submittedAt,
        ...(options.lastApplied ? { lastApplied: copy(options.lastApplied) } : {}),
      });
    }
  }

  async createAssignment(
    record: AssignmentRecord,
    claim?: IdempotencyClaim,
  ): Promise<CreateAssignmentOutcome> {
    const claimKey = claim && `${record.campaignId}#${claim.key}`;
    const existing = claimKey === undefined ? undefined : this.idempotency.get(claimKey);
    if (existing) {
      return {
        created: false,
        existingAssignmentId: existing.assignmentId,
        existingBodyHash: existing.bodyHash,
        claimedAt: existing.claimedAt,
      };
    }
    if (this.assignments.has(record.assignmentId)) {
      throw new ConditionFailedError(`assignment ${record.assignmentId} exists`);
    }
    if (claim && claimKey) {
      this.idempotency.set(claimKey, {
        bodyHash: claim.bodyHash,
        assignmentId: record.assignmentId,
        claimedAt: record.submittedAt,
      });
    }
    this.writeAssignmentAndLatest(record);
    return { created: true };
  }

  async createRebalance(record: AssignmentRecord, expectedLatest: string): Promise<boolean> {
    if (this.campaigns.get(record.campaignId)?.latestAssignmentId !== expectedLatest) return false;
    if (this.assignments.has(record.assignmentId)) {
      throw new ConditionFailedError(`assignment ${record.assignmentId} exists`);
    }
    this.writeAssignmentAndLatest(record);
    return true;
  }

  private writeAssignmentAndLatest(record: AssignmentRecord): void {
    this.assignments.set(record.assignmentId, copy(record));
    const previous = this.campaigns.get(record.campaignId);
    this.campaigns.set(record.campaignId, {
      ...previous,
      campaignId: record.campaignId,
      latestAssignmentId: record.assignmentId,
      desired: copy(record.desired),
      submittedAt: record.submittedAt,
    });
  }

  async getAssignment(assignmentId: string): Promise<AssignmentRecord | undefined> {
    const record = this.assignments.get(assignmentId);
    return record && copy(record);
  }

  async getCampaignState(campaignId: string): Promise<CampaignState | undefined> {
    const state = this.campaigns.get(campaignId);
    return state && copy(state);
  }

  async updateAssignment(
    assignmentId: string,
    patch: Partial<AssignmentRecord>,
    fromStatuses: AssignmentRecord['status'][],
  ): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return true;
    const current = this.assignments.get(assignmentId);
    if (!current || !fromStatuses.includes(current.status)) return false;
    this.assignments.set(assignmentId, { ...current, ...copy(Object.fromEntries(entries)) });
    return true;
  }

  async markEnqueued(assignmentId: string, enqueuedAt: string): Promise<void> {
    const current = this.assignments.get(assignmentId);
    if (!current) throw new ConditionFailedError(`assignment ${assignmentId} does not exist`);
    if (current.enqueuedAt === undefined) current.enqueuedAt = enqueuedAt;
  }

  async clearPendingEvents(assignmentId: string): Promise<void> {
    const current = this.assignments.get(assignmentId);
    if (current) delete current.pendingEvents;
  }

  async recordManaged(campaignId: string, managedAgents: string[]): Promise<void> {
    const state = this.campaigns.get(campaignId);
    if (!state) throw new ConditionFailedError(`campaign ${campaignId} has no state`);
    state.managedAgents = copy(managedAgents);
  }

  async recordApplied(campaignId: string, applied: AppliedState, managedAgents: string[]): Promise<void> {
    const state = this.campaigns.get(campaignId);
    if (!state) throw new ConditionFailedError(`campaign ${campaignId} has no state`);
    state.lastApplied = copy(applied);
    state.managedAgents = copy(managedAgents);
  }

  async recordDriftCheck(campaignId: string, check: DriftCheckRecord): Promise<void> {
    const state = this.campaigns.get(campaignId);
    if (!state) throw new ConditionFailedError(`campaign ${campaignId} has no state`);
    state.lastDriftCheck = copy(check);
  }

  async reserveSequence(campaignId: string, count: number): Promise<number> {
    const last = (this.sequences.get(campaignId) ?? 0) + count;
    this.sequences.set(campaignId, last);
    return last - count + 1;
  }
}
