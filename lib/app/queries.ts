import { membershipOf } from '../domain/membership.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import type { Accepted, AssignmentView, CampaignAgentsView } from './api-schemas.ts';
import type { AssignmentRecord } from './model.ts';
import type { AssignmentStore } from './ports.ts';

/** Assignment ids are at most this long (the ids the service makes are UUIDs); a longer one is not looked up. */
const MAX_ASSIGNMENT_ID_LENGTH = 128;

/** The answer to a submission that was stored and queued. */
export function acceptedView(
  record: Pick<AssignmentRecord, 'assignmentId' | 'campaignId' | 'agentsRequested'>,
): Accepted {
  return {
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    status: 'queued',
    agents: record.agentsRequested,
  };
}

/** The public view of an assignment: no internal bookkeeping such as pending events. */
export function assignmentView(record: AssignmentRecord): AssignmentView {
  return {
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    kind: record.kind,
    status: record.status,
    submittedAt: record.submittedAt,
    updatedAt: record.updatedAt,
    agentsRequested: record.agentsRequested,
    ...(record.result ? { result: record.result } : {}),
    ...(record.latencyMs === undefined ? {} : { latencyMs: record.latencyMs }),
    ...(record.latency ? { latency: record.latency } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}

export type AssignmentQueryOutcome = { kind: 'found'; view: AssignmentView } | { kind: 'not_found' };

/** One assignment's public view. */
export async function queryAssignment(
  store: Pick<AssignmentStore, 'getAssignment'>,
  assignmentId: string,
): Promise<AssignmentQueryOutcome> {
  const record =
    assignmentId.length <= MAX_ASSIGNMENT_ID_LENGTH ? await store.getAssignment(assignmentId) : undefined;
  return record ? { kind: 'found', view: assignmentView(record) } : { kind: 'not_found' };
}

/**
 * The campaign's desired state, the status of its latest assignment, what was last applied to CXone and the members
 * of its skill it does not own (as that converge read them).
 */
export async function campaignAgentsView(
  store: Pick<AssignmentStore, 'getAssignment' | 'getCampaignState'>,
  policy: Pick<CampaignPolicy, 'campaignId' | 'membership'>,
): Promise<CampaignAgentsView | undefined> {
  const { campaignId } = policy;
  const state = await store.getCampaignState(campaignId);
  if (!state) return undefined;
  const latest = await store.getAssignment(state.latestAssignmentId);
  return {
    campaignId,
    membership: membershipOf(policy),
    desired: state.desired,
    submittedAt: state.submittedAt,
    latestAssignment: latest
      ? { assignmentId: latest.assignmentId, status: latest.status, updatedAt: latest.updatedAt }
      : { assignmentId: state.latestAssignmentId },
    ...(state.lastApplied ? { lastApplied: state.lastApplied } : {}),
    foreignAgents: state.lastApplied?.foreignAgents ?? [],
  };
}

export type CampaignAgentsQueryOutcome =
  | { kind: 'found'; view: CampaignAgentsView }
  | { kind: 'unknown_campaign' }
  | { kind: 'no_desired_state' };

/** The campaign agents view of a configured campaign; an unconfigured one is not looked up. */
export async function queryCampaignAgents(
  deps: {
    store: Pick<AssignmentStore, 'getAssignment' | 'getCampaignState'>;
    policyFor(campaignId: string): Promise<CampaignPolicy | undefined>;
  },
  campaignId: string,
): Promise<CampaignAgentsQueryOutcome> {
  const policy = await deps.policyFor(campaignId);
  if (!policy) return { kind: 'unknown_campaign' };
  const view = await campaignAgentsView(deps.store, policy);
  return view ? { kind: 'found', view } : { kind: 'no_desired_state' };
}
