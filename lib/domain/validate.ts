// Validation of a submission against the schema and the campaign's policy. Every error is collected: schema errors
// and policy errors together, and the policy checks of an agent run on those of its parts that are well-formed,
// even when other parts or other agents are invalid.
import { toValidationIssues } from './issues.ts';
import {
  AvailabilityWindowSchema,
  type CampaignPolicy,
  IdSchema,
  type Submission,
  SubmissionSchema,
} from './schemas.ts';
import { isValidTimeZone, localDateIn, windowOverlapMinutes } from './time-window.ts';
import type { ValidationIssue } from './types.ts';

/** Codes of the policy rules (the schema's own codes are zod's, see issues.ts and schemas.ts). */
export const PolicyErrorCode = {
  tooManyAgents: 'too_many_agents',
  duplicateUserId: 'duplicate_user_id',
  missingRequiredSkill: 'missing_required_skill',
  maxConcurrentCallsExceeded: 'max_concurrent_calls_exceeded',
  timezoneNotAllowed: 'timezone_not_allowed',
  insufficientWindowOverlap: 'insufficient_window_overlap',
  campaignIdMismatch: 'campaign_id_mismatch',
} as const;

export type ValidationResult =
  | { ok: true; submission: Submission }
  | { ok: false; errors: ValidationIssue[] };

interface PolicyIndex {
  requiredSkills: readonly string[];
  allowedTimezones: ReadonlySet<string>;
  callingHoursLabel: string;
}

const policyIndexes = new WeakMap<CampaignPolicy, PolicyIndex>();

function indexPolicy(policy: CampaignPolicy): PolicyIndex {
  let index = policyIndexes.get(policy);
  if (!index) {
    index = {
      requiredSkills: [...new Set(policy.requiredSkills)],
      allowedTimezones: new Set(policy.allowedAgentTimezones),
      callingHoursLabel: `${policy.callingHours.start}–${policy.callingHours.end} ${policy.timezone}`,
    };
    policyIndexes.set(policy, index);
  }
  return index;
}

/**
 * Validates `body` (already JSON-parsed) as the desired agent set of `policy`'s campaign, at instant `now` (the
 * window overlap is measured on the campaign's local date of `now`). Errors are ordered: submission-level first,
 * then per agent in index order.
 */
export function validateSubmission(
  policy: CampaignPolicy,
  pathCampaignId: string,
  body: unknown,
  now: Date,
): ValidationResult {
  const { checked, agentCount } = boundAgents(policy, body);
  const parsed = SubmissionSchema.safeParse(checked);
  const errors = parsed.success ? [] : toValidationIssues(parsed.error.issues);
  const agentsWithIssues = parsed.success ? new Set<number>() : agentIndexesWithIssues(parsed.error.issues);
  const policyErrors = checkPolicy(
    policy,
    pathCampaignId,
    checked,
    now,
    parsed.success,
    agentsWithIssues,
    agentCount,
  );
  if (parsed.success && policyErrors.length === 0) return { ok: true, submission: parsed.data };
  errors.push(...policyErrors);
  return { ok: false, errors: orderErrors(errors) };
}

/**
 * The rules of `policy` that a stored (schema-valid) desired state breaks at instant `now`, in the order
 * validateSubmission reports them: what a policy change would make of the campaign's current desired state. Paths are
 * those of the submission (`agents[2].skills`); the agent count is reported at `agents`.
 */
export function policyViolations(policy: CampaignPolicy, desired: Submission, now: Date): ValidationIssue[] {
  const campaignId = desired.campaignId ?? policy.campaignId;
  return orderErrors(checkPolicy(policy, campaignId, desired, now, true, new Set(), undefined));
}

/** The userIds of the agents of `desired` that break a rule of `policy` themselves (not the agent count). */
export function agentsViolatingPolicy(policy: CampaignPolicy, desired: Submission, now: Date): Set<string> {
  const violating = new Set<string>();
  for (const issue of policyViolations(policy, desired, now)) {
    const index = AGENT_INDEX.exec(issue.path)?.[1];
    const agent = index === undefined ? undefined : desired.agents[Number(index)];
    if (agent) violating.add(agent.userId);
  }
  return violating;
}

/** Agents checked one by one at most: the campaign's maxAgents, and never fewer than this. */
export const MIN_AGENTS_CHECKED = 100;

/**
 * A body with far more agents than the campaign allows is refused anyway; only its first agents are checked one by
 * one. Checking all of them let one 256 KiB body of `{}` agents cost seconds of CPU (~350,000 errors), near the
 * function's timeout. `agentCount` is set when the list was cut.
 */
function boundAgents(policy: CampaignPolicy, body: unknown): { checked: unknown; agentCount?: number } {
  const limit = Math.max(policy.maxAgents, MIN_AGENTS_CHECKED);
  if (!isRecord(body) || !Array.isArray(body.agents) || body.agents.length <= limit) return { checked: body };
  return { checked: { ...body, agents: body.agents.slice(0, limit) }, agentCount: body.agents.length };
}

function tooManyAgents(policy: CampaignPolicy, count: number): ValidationIssue {
  return {
    path: 'agents',
    code: PolicyErrorCode.tooManyAgents,
    message: `at most ${policy.maxAgents} agents are allowed on this campaign, got ${count}`,
  };
}

function agentIndexesWithIssues(issues: readonly { path: readonly PropertyKey[] }[]): Set<number> {
  const indexes = new Set<number>();
  for (const { path } of issues) {
    if (path[0] === 'agents' && typeof path[1] === 'number') indexes.add(path[1]);
  }
  return indexes;
}

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Which parts of an agent the policy rules may read: all of them when the agent passed the schema. */
interface AgentParts {
  userId?: string;
  skills?: string[];
  maxConcurrentCalls?: number;
  timezone?: string;
  window?: { start: string; end: string; timezone: string };
}

function wellFormedParts(agent: UnknownRecord, agentValid: boolean): AgentParts {
  const raw = agent as Partial<Submission['agents'][number]>;
  if (agentValid) {
    const window = raw.availabilityWindow!;
    return {
      userId: raw.userId!,
      skills: raw.skills!,
      maxConcurrentCalls: raw.maxConcurrentCalls!,
      timezone: window.timezone,
      window,
    };
  }
  const parts: AgentParts = {};
  if (IdSchema.safeParse(agent.userId).success) parts.userId = agent.userId as string;
  if (isStringArray(agent.skills)) parts.skills = agent.skills;
  if (Number.isSafeInteger(agent.maxConcurrentCalls) && (agent.maxConcurrentCalls as number) >= 1) {
    parts.maxConcurrentCalls = agent.maxConcurrentCalls as number;
  }
  const window = agent.availabilityWindow;
  if (isRecord(window)) {
    if (typeof window.timezone === 'string' && isValidTimeZone(window.timezone))
      parts.timezone = window.timezone;
    // Unknown keys in the window do not stop the overlap check: validate the known fields only.
    const known = { start: window.start, end: window.end, timezone: window.timezone };
    const checked = AvailabilityWindowSchema.safeParse(known);
    if (checked.success) parts.window = checked.data;
  }
  return parts;
}

function checkPolicy(
  policy: CampaignPolicy,
  pathCampaignId: string,
  body: unknown,
  now: Date,
  schemaValid: boolean,
  agentsWithIssues: ReadonlySet<number>,
  /** The length of the agent list before boundAgents cut it, if it did. */
  agentCount: number | undefined,
): ValidationIssue[] {
  const errors: ValidationIssue[] = [];
  if (!isRecord(body)) return errors;
  const index = indexPolicy(policy);

  const bodyCampaignId = body.campaignId;
  const campaignIdWellFormed = schemaValid || IdSchema.safeParse(bodyCampaignId).success;
  if (typeof bodyCampaignId === 'string' && campaignIdWellFormed && bodyCampaignId !== pathCampaignId) {
    errors.push({
      path: 'campaignId',
      code: PolicyErrorCode.campaignIdMismatch,
      message: `campaignId ${JSON.stringify(bodyCampaignId)} differs from the campaign of the path (${pathCampaignId})`,
    });
  }
  const agents = body.agents;
  if (!Array.isArray(agents)) return errors;
  const count = agentCount ?? agents.length;
  if (count > policy.maxAgents) errors.push(tooManyAgents(policy, count));

  const campaignDate = localDateIn(now, policy.timezone);
  const overlapByWindow = new Map<string, number>();
  const firstIndexOfUser = new Map<string, number>();

  agents.forEach((agent: unknown, i: number) => {
    if (!isRecord(agent)) return;
    const parts = wellFormedParts(agent, !agentsWithIssues.has(i));
    const at = `agents[${i}]`;

    if (parts.userId !== undefined) {
      const first = firstIndexOfUser.get(parts.userId);
      if (first === undefined) firstIndexOfUser.set(parts.userId, i);
      else {
        errors.push({
          path: `${at}.userId`,
          code: PolicyErrorCode.duplicateUserId,
          message: `userId ${JSON.stringify(parts.userId)} is already used by agents[${first}]`,
        });
      }
    }

    if (parts.skills !== undefined && index.requiredSkills.length > 0) {
      const skills = parts.skills;
      const missing = index.requiredSkills.filter((skill) => !skills.includes(skill));
      if (missing.length > 0) {
        errors.push({
          path: `${at}.skills`,
          code: PolicyErrorCode.missingRequiredSkill,
          message: `missing required skill(s): ${missing.join(', ')}`,
        });
      }
    }

    if (
      parts.maxConcurrentCalls !== undefined &&
      parts.maxConcurrentCalls > policy.maxConcurrentCallsPerAgent
    ) {
      errors.push({
        path: `${at}.maxConcurrentCalls`,
        code: PolicyErrorCode.maxConcurrentCallsExceeded,
        message: `must be at most ${policy.maxConcurrentCallsPerAgent} on this campaign`,
      });
    }

    if (parts.timezone !== undefined && !index.allowedTimezones.has(parts.timezone)) {
      errors.push({
        path: `${at}.availabilityWindow.timezone`,
        code: PolicyErrorCode.timezoneNotAllowed,
        message: `${parts.timezone} is not an allowed agent time zone of this campaign (${policy.allowedAgentTimezones.join(', ')})`,
      });
    }

    if (parts.window !== undefined) {
      const window = parts.window;
      const key = `${window.start}|${window.end}|${window.timezone}`;
      let overlap = overlapByWindow.get(key);
      if (overlap === undefined) {
        overlap = windowOverlapMinutes(window, policy.callingHours, policy.timezone, campaignDate);
        overlapByWindow.set(key, overlap);
      }
      if (overlap < policy.minWindowOverlapMinutes) {
        errors.push({
          path: `${at}.availabilityWindow`,
          code: PolicyErrorCode.insufficientWindowOverlap,
          message:
            `overlaps the calling hours (${index.callingHoursLabel}) on ${campaignDate} by ${overlap} min, ` +
            `at least ${policy.minWindowOverlapMinutes} min required`,
        });
      }
    }
  });
  return errors;
}

const AGENT_INDEX = /^agents\[(\d+)\]/;

/** Submission-level errors first, then each agent's errors in index order (stable within an agent). */
function orderErrors(errors: ValidationIssue[]): ValidationIssue[] {
  const rank = (error: ValidationIssue) => {
    const match = AGENT_INDEX.exec(error.path);
    return match ? Number(match[1]) : -1;
  };
  return errors
    .map((error, position) => ({ error, position, rank: rank(error) }))
    .sort((a, b) => a.rank - b.rank || a.position - b.position)
    .map(({ error }) => error);
}
