// Campaign policies as data: read, create or replace (optimistic concurrency on the version), delete. A change is
// checked like a deploy would be (schema, the skill on CXone, the campaign's current desired state) and takes effect
// at once: the campaign is re-planned under it and WFM tools are told.
import { randomUUID } from 'node:crypto';
import { toValidationIssues } from '../domain/issues.ts';
import { type CampaignPolicy, CampaignPolicySchema, IdSchema, type Submission } from '../domain/schemas.ts';
import type { ValidationIssue } from '../domain/types.ts';
import { policyViolations } from '../domain/validate.ts';
import { buildPolicyChangedEvent } from '../wfm/cloudevents.ts';
import type { AssignmentRecord } from './model.ts';
import type { Page, PageRequest } from './paging.ts';
import { CampaignPolicyInputSchema } from './policy-schemas.ts';
import type {
  AssignmentStore,
  Clock,
  ConvergeContext,
  DispatchQueue,
  PolicyStore,
  SkillLookup,
  StoredPolicy,
  WfmEventQueue,
} from './ports.ts';

/** Codes of the policy checks beyond the schema (the schema's own codes are zod's, see lib/domain/issues.ts). */
export const PolicyCheckCode = {
  campaignIdMismatch: 'campaign_id_mismatch',
  skillNotFound: 'skill_not_found',
  skillNotOutbound: 'skill_not_outbound',
  skillNotPersonalConnection: 'skill_not_personal_connection',
} as const;

/** `any` is `*`; otherwise the versions of the entity tags given (a tag that is not a version matches none). */
export type VersionCondition = 'any' | readonly number[];

export interface PolicyDeps {
  policies: PolicyStore;
  assignments: Pick<AssignmentStore, 'getCampaignState' | 'createRebalance' | 'markEnqueued'>;
  queue: DispatchQueue;
  wfm: WfmEventQueue;
  skills: SkillLookup;
  clock: Clock;
  newId?: () => string;
}

export interface PutPolicyRequest {
  campaignId: string;
  body: unknown;
  /** `If-Match`: required to replace an existing policy. */
  ifMatch?: VersionCondition;
  /** `If-None-Match`: `*` creates only. */
  ifNoneMatch?: VersionCondition;
  /** Accept a policy the campaign's current desired state breaks; the offending agents are planned inactive. */
  force: boolean;
  /** For the CXone skill lookup. */
  context: ConvergeContext;
}

/** What a follow-up of a stored change could not do (the change itself is stored). */
export interface EffectFailure {
  effect: 'replan' | 'event';
  error: unknown;
}

export type PutPolicyOutcome =
  | {
      kind: 'created' | 'replaced';
      stored: StoredPolicy;
      previousVersion?: number;
      /** The `policy_change` assignment that re-plans the campaign, when it has a desired state. */
      replanAssignmentId?: string;
      effectFailures: EffectFailure[];
    }
  /** The body equals the current policy: nothing written, same version. */
  | { kind: 'unchanged'; stored: StoredPolicy }
  | { kind: 'invalid'; issues: ValidationIssue[] }
  | { kind: 'skill_taken'; skillId: number; heldBy: string }
  | { kind: 'precondition_failed' }
  | { kind: 'precondition_required' };

export async function getPolicy(
  deps: Pick<PolicyDeps, 'policies'>,
  campaignId: string,
): Promise<StoredPolicy | undefined> {
  return IdSchema.safeParse(campaignId).success ? deps.policies.getPolicy(campaignId) : undefined;
}

export function listPolicies(
  deps: Pick<PolicyDeps, 'policies'>,
  page: PageRequest,
): Promise<Page<StoredPolicy>> {
  return deps.policies.listPolicies(page);
}

/** The campaign's versions, newest first; undefined when the campaign has no policy. */
export async function listPolicyVersions(
  deps: Pick<PolicyDeps, 'policies'>,
  campaignId: string,
  page: PageRequest,
): Promise<Page<StoredPolicy> | undefined> {
  if (!(await getPolicy(deps, campaignId))) return undefined;
  return deps.policies.listVersions(campaignId, page);
}

function matches(condition: VersionCondition, version: number): boolean {
  return condition === 'any' || condition.includes(version);
}

/**
 * RFC 9110 §13.2.2 order: If-Match, then If-None-Match, before the body is looked at. Replacing needs If-Match
 * (RFC 6585 428), so that no writer overwrites a version it has not seen.
 */
function preconditionOutcome(
  current: StoredPolicy | undefined,
  request: Pick<PutPolicyRequest, 'ifMatch' | 'ifNoneMatch'>,
): PutPolicyOutcome | undefined {
  if (request.ifMatch !== undefined && (!current || !matches(request.ifMatch, current.version))) {
    return { kind: 'precondition_failed' };
  }
  if (request.ifNoneMatch !== undefined && current && matches(request.ifNoneMatch, current.version)) {
    return { kind: 'precondition_failed' };
  }
  if (current && request.ifMatch === undefined) return { kind: 'precondition_required' };
  return undefined;
}

type Parsed = { ok: true; policy: CampaignPolicy } | { ok: false; issues: ValidationIssue[] };

function parsePolicy(campaignId: string, body: unknown): Parsed {
  const issues: ValidationIssue[] = [];
  if (!IdSchema.safeParse(campaignId).success) {
    issues.push({
      path: 'campaignId',
      code: 'invalid_format',
      message: 'the campaignId of the path must be 1–128 characters of A-Z a-z 0-9 . _ : @ -',
    });
  }
  const input = CampaignPolicyInputSchema.safeParse(body);
  if (!input.success) issues.push(...toValidationIssues(input.error.issues));
  const bodyCampaignId = (body as { campaignId?: unknown } | null)?.campaignId;
  if (typeof bodyCampaignId === 'string' && bodyCampaignId !== campaignId) {
    issues.push({
      path: 'campaignId',
      code: PolicyCheckCode.campaignIdMismatch,
      message: `campaignId ${JSON.stringify(bodyCampaignId)} differs from the campaign of the path`,
    });
  }
  if (issues.length > 0 || !input.success) return { ok: false, issues };
  return { ok: true, policy: CampaignPolicySchema.parse({ ...input.data, campaignId }) };
}

async function skillIssues(
  deps: Pick<PolicyDeps, 'skills'>,
  skillId: number,
  context: ConvergeContext,
): Promise<ValidationIssue[]> {
  const result = await deps.skills.lookup(skillId, context);
  const issue = (code: string, message: string): ValidationIssue[] => [
    { path: 'cxoneSkillId', code, message },
  ];
  if (result.kind === 'unsupported') return [];
  if (result.kind === 'not_found') {
    return issue(PolicyCheckCode.skillNotFound, `CXone has no skill ${skillId}`);
  }
  const { skill } = result;
  if (!skill.outbound) {
    return issue(
      PolicyCheckCode.skillNotOutbound,
      `CXone skill ${skillId} (${skill.name}) is not an outbound skill`,
    );
  }
  if (!skill.personalConnection) {
    return issue(
      PolicyCheckCode.skillNotPersonalConnection,
      `CXone skill ${skillId} (${skill.name}) is not a Personal Connection (preview dialer) skill`,
    );
  }
  return [];
}

/** The desired state's violations, at paths of the campaign agents view (`desired.agents[2].skills`). */
function desiredStateIssues(policy: CampaignPolicy, desired: Submission, now: Date): ValidationIssue[] {
  const agentAt = /^agents\[(\d+)\]/;
  return policyViolations(policy, desired, now).map((issue) => {
    const index = agentAt.exec(issue.path)?.[1];
    const userId = index === undefined ? undefined : desired.agents[Number(index)]?.userId;
    const what =
      userId === undefined ? 'the current desired state' : `agent ${userId} of the current desired state`;
    return {
      path: `desired.${issue.path}`,
      code: issue.code,
      message: `${what} breaks the new policy: ${issue.message} (send ?force=true to plan such agents inactive)`,
    };
  });
}

/** Top-level fields whose value differs (every field of `after` when there was no `before`). */
export function changedFields(
  before: CampaignPolicy | undefined,
  after: CampaignPolicy | undefined,
): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const value = (policy: CampaignPolicy | undefined, key: string) =>
    JSON.stringify((policy as Record<string, unknown> | undefined)?.[key]);
  return [...keys].filter((key) => value(before, key) !== value(after, key)).sort();
}

function samePolicy(a: CampaignPolicy, b: CampaignPolicy): boolean {
  return changedFields(a, b).length === 0;
}

/**
 * Creates or replaces a campaign's policy. Checks in order: the path's campaignId, preconditions (412/428), the body
 * (schema, campaignId),
 * the skill when it is new to the campaign (another campaign's → skill_taken; on CXone: known, outbound, Personal
 * Connection), then the campaign's current desired state under the new policy (refused unless `force`). A stored
 * change re-plans the campaign (a `policy_change` dispatch) and sends `campaign.policy_changed`.
 */
export async function putPolicy(deps: PolicyDeps, request: PutPolicyRequest): Promise<PutPolicyOutcome> {
  const { campaignId } = request;
  // No campaign can have this id: refused as the request would be without preconditions (RFC 9110 §13.2.1).
  if (!IdSchema.safeParse(campaignId).success) {
    const parsed = parsePolicy(campaignId, request.body);
    return { kind: 'invalid', issues: parsed.ok ? [] : parsed.issues };
  }
  const current = await getPolicy(deps, campaignId);
  const refused = preconditionOutcome(current, request);
  if (refused) return refused;
  const parsed = parsePolicy(campaignId, request.body);
  if (!parsed.ok) return { kind: 'invalid', issues: parsed.issues };
  const { policy } = parsed;
  if (current && samePolicy(current.policy, policy)) return { kind: 'unchanged', stored: current };

  if (!current || current.policy.cxoneSkillId !== policy.cxoneSkillId) {
    const heldBy = await deps.policies.skillOwner(policy.cxoneSkillId);
    if (heldBy !== undefined && heldBy !== campaignId) {
      return { kind: 'skill_taken', skillId: policy.cxoneSkillId, heldBy };
    }
    const issues = await skillIssues(deps, policy.cxoneSkillId, request.context);
    if (issues.length > 0) return { kind: 'invalid', issues };
  }
  const now = deps.clock.now();
  const state = await deps.assignments.getCampaignState(campaignId);
  if (state && !request.force) {
    const issues = desiredStateIssues(policy, state.desired, now);
    if (issues.length > 0) return { kind: 'invalid', issues };
  }

  const at = now.toISOString();
  const written = current
    ? await deps.policies.replacePolicy(current, policy, at)
    : await deps.policies.createPolicy(policy, at);
  if (written.kind === 'precondition_failed') return written;
  if (written.kind === 'skill_taken') {
    return { kind: 'skill_taken', skillId: policy.cxoneSkillId, heldBy: written.heldBy };
  }
  const { stored } = written;
  const effectFailures: EffectFailure[] = [];
  let replanAssignmentId: string | undefined;
  try {
    replanAssignmentId = await replan(deps, stored, now);
  } catch (error) {
    effectFailures.push({ effect: 'replan', error });
  }
  await sendEvent(deps, effectFailures, {
    campaignId,
    ...(current ? { previousVersion: current.version } : {}),
    version: stored.version,
    changedFields: changedFields(current?.policy, policy),
    ...(replanAssignmentId === undefined ? {} : { assignmentId: replanAssignmentId }),
    time: now,
  });
  return {
    kind: current ? 'replaced' : 'created',
    stored,
    ...(current ? { previousVersion: current.version } : {}),
    ...(replanAssignmentId === undefined ? {} : { replanAssignmentId }),
    effectFailures,
  };
}

/** Attempts at queueing the re-plan when submissions keep replacing the desired state meanwhile. */
const REPLAN_ATTEMPTS = 3;

/**
 * Queues a `policy_change` assignment of the campaign's latest desired state, planned with at least the stored
 * version, in the campaign's FIFO group. It replaces the latest assignment only while that is still the latest (a
 * submission racing it is re-read and re-planned instead); an assignment not yet applied ends `superseded` by it.
 */
async function replan(deps: PolicyDeps, stored: StoredPolicy, now: Date): Promise<string | undefined> {
  for (let attempt = 0; attempt < REPLAN_ATTEMPTS; attempt++) {
    const state = await deps.assignments.getCampaignState(stored.campaignId);
    if (!state) return undefined;
    const at = now.toISOString();
    const record: AssignmentRecord = {
      assignmentId: (deps.newId ?? randomUUID)(),
      campaignId: stored.campaignId,
      kind: 'policy_change',
      status: 'queued',
      submittedAt: at,
      updatedAt: at,
      agentsRequested: state.desired.agents.length,
      desired: state.desired,
      policyVersion: stored.version,
    };
    if (!(await deps.assignments.createRebalance(record, state.latestAssignmentId))) continue;
    await deps.queue.send({
      assignmentId: record.assignmentId,
      campaignId: record.campaignId,
      kind: 'policy_change',
      enqueuedAt: at,
    });
    await deps.assignments.markEnqueued(record.assignmentId, at);
    return record.assignmentId;
  }
  return undefined;
}

async function sendEvent(
  deps: Pick<PolicyDeps, 'wfm'>,
  failures: EffectFailure[],
  input: Parameters<typeof buildPolicyChangedEvent>[0],
): Promise<void> {
  try {
    await deps.wfm.sendAll([buildPolicyChangedEvent(input)]);
  } catch (error) {
    failures.push({ effect: 'event', error });
  }
}

export interface DeletePolicyRequest {
  campaignId: string;
  ifMatch?: VersionCondition;
}

export type DeletePolicyOutcome =
  | { kind: 'deleted'; previousVersion: number; effectFailures: EffectFailure[] }
  | { kind: 'not_found' }
  | { kind: 'precondition_failed' }
  | { kind: 'precondition_required' };

/**
 * Stops managing a campaign: its policy goes (its history, desired state and CXone skill stay as they are), so
 * submissions get `unknown_campaign` and queued assignments end `rejected`. Needs If-Match.
 */
export async function deletePolicy(
  deps: Pick<PolicyDeps, 'policies' | 'wfm' | 'clock'>,
  request: DeletePolicyRequest,
): Promise<DeletePolicyOutcome> {
  const current = await getPolicy(deps, request.campaignId);
  if (!current) return { kind: 'not_found' };
  if (request.ifMatch === undefined) return { kind: 'precondition_required' };
  if (!matches(request.ifMatch, current.version)) return { kind: 'precondition_failed' };
  if (!(await deps.policies.deletePolicy(current)).deleted) return { kind: 'precondition_failed' };
  const effectFailures: EffectFailure[] = [];
  await sendEvent(deps, effectFailures, {
    campaignId: current.campaignId,
    previousVersion: current.version,
    changedFields: [],
    time: deps.clock.now(),
  });
  return { kind: 'deleted', previousVersion: current.version, effectFailures };
}
