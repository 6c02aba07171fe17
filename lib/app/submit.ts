import { createHash, randomUUID } from 'node:crypto';
import { planActiveAgents } from '../domain/planner.ts';
import { type ProblemDetails, problemOf, validationProblem } from '../domain/problem.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import type { AgentPlan } from '../domain/types.ts';
import { validateSubmission } from '../domain/validate.ts';
import type { AssignmentRecord } from './model.ts';
import type { AssignmentStore, Clock, DispatchQueue } from './ports.ts';

export interface SubmitDeps {
  store: AssignmentStore;
  queue: DispatchQueue;
  policyFor(campaignId: string): CampaignPolicy | undefined;
  clock: Clock;
  newId?: () => string;
}

export interface SubmitRequest {
  campaignId: string;
  body: unknown;
  idempotencyKey?: string;
  dryRun: boolean;
}

export interface Accepted {
  assignmentId: string;
  campaignId: string;
  status: 'queued';
  agents: number;
}

export type SubmitOutcome =
  | { kind: 'accepted'; statusCode: 202 | 200; body: Accepted }
  | { kind: 'plan'; statusCode: 200; body: { campaignId: string; evaluatedAt: string; agents: AgentPlan[] } }
  | { kind: 'problem'; problem: ProblemDetails };

/** How long a claimed Idempotency-Key may stay un-enqueued before a retry takes the submission over. */
export const IDEMPOTENCY_TAKEOVER_MS = 30_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Hash of the parsed body in canonical form: the same JSON sent with other spacing or key order is the same body. */
export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function accepted(
  record: Pick<AssignmentRecord, 'assignmentId' | 'campaignId' | 'agentsRequested'>,
): Accepted {
  return {
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    status: 'queued',
    agents: record.agentsRequested,
  };
}

/** Validates a campaign's desired agents, stores them as the campaign's desired state and queues the dispatch. */
export async function submitAssignment(deps: SubmitDeps, request: SubmitRequest): Promise<SubmitOutcome> {
  const policy = deps.policyFor(request.campaignId);
  if (!policy) {
    return {
      kind: 'problem',
      problem: problemOf('not-found', `Campaign ${request.campaignId} is not configured.`),
    };
  }
  if (request.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
    return {
      kind: 'problem',
      problem: problemOf('bad-request', 'Idempotency-Key must be 1–255 visible ASCII characters.'),
    };
  }
  const now = deps.clock.now();
  const validation = validateSubmission(policy, request.campaignId, request.body, now);
  if (!validation.ok) {
    return {
      kind: 'problem',
      problem: validationProblem(validation.errors),
    };
  }
  const submission = validation.submission;
  if (request.dryRun) {
    return {
      kind: 'plan',
      statusCode: 200,
      body: {
        campaignId: request.campaignId,
        evaluatedAt: now.toISOString(),
        agents: planActiveAgents(policy, submission, now),
      },
    };
  }

  const at = now.toISOString();
  const record: AssignmentRecord = {
    assignmentId: (deps.newId ?? randomUUID)(),
    campaignId: request.campaignId,
    kind: 'submission',
    status: 'queued',
    submittedAt: at,
    updatedAt: at,
    agentsRequested: submission.agents.length,
    desired: submission,
  };
  const claim =
    request.idempotencyKey === undefined
      ? undefined
      : { key: request.idempotencyKey, bodyHash: bodyHash(request.body) };
  const created = await deps.store.createAssignment(record, claim);
  if (created.created) {
    await enqueue(deps, record, at);
    return { kind: 'accepted', statusCode: 202, body: accepted(record) };
  }
  if (claim && created.existingBodyHash !== claim.bodyHash) {
    return {
      kind: 'problem',
      problem: problemOf(
        'idempotency-key-reused',
        'This Idempotency-Key was already used with a different body; use a new key for a new desired state.',
      ),
    };
  }
  return replay(deps, created.existingAssignmentId, created.claimedAt, now);
}

async function enqueue(deps: SubmitDeps, record: AssignmentRecord, at: string): Promise<void> {
  await deps.queue.send({
    assignmentId: record.assignmentId,
    campaignId: record.campaignId,
    kind: record.kind,
    enqueuedAt: at,
  });
  await deps.store.markEnqueued(record.assignmentId, at);
}

async function replay(
  deps: SubmitDeps,
  assignmentId: string,
  claimedAt: string,
  now: Date,
): Promise<SubmitOutcome> {
  const existing = await deps.store.getAssignment(assignmentId);
  if (!existing) {
    return {
      kind: 'problem',
      problem: problemOf(
        'conflict',
        'A request with this Idempotency-Key is still in flight; retry shortly.',
      ),
    };
  }
  if (existing.enqueuedAt) return { kind: 'accepted', statusCode: 200, body: accepted(existing) };
  if (now.getTime() - Date.parse(claimedAt) < IDEMPOTENCY_TAKEOVER_MS) {
    return {
      kind: 'problem',
      problem: problemOf(
        'conflict',
        'A request with this Idempotency-Key is still in flight; retry shortly.',
      ),
    };
  }
  // The first request stored the state but died before queueing it: this retry finishes the job.
  // SQS FIFO deduplicates by assignment id, so a late send of the first request cannot double it.
  await enqueue(deps, existing, now.toISOString());
  return { kind: 'accepted', statusCode: 202, body: accepted(existing) };
}
