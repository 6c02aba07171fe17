import type { AssignmentRecord } from './model.ts';
import type { AssignmentStore } from './ports.ts';

/** The public view of an assignment (DESIGN.md §3): no internal bookkeeping such as pending events. */
export function assignmentView(record: AssignmentRecord) {
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

/** The campaign's desired state, the status of its latest assignment and what was last applied to CXone. */
export async function campaignAgentsView(store: AssignmentStore, campaignId: string) {
  const state = await store.getCampaignState(campaignId);
  if (!state) return undefined;
  const latest = await store.getAssignment(state.latestAssignmentId);
  return {
    campaignId,
    desired: state.desired,
    submittedAt: state.submittedAt,
    latestAssignment: latest
      ? { assignmentId: latest.assignmentId, status: latest.status, updatedAt: latest.updatedAt }
      : { assignmentId: state.latestAssignmentId },
    ...(state.lastApplied ? { lastApplied: state.lastApplied } : {}),
  };
}
