import { randomUUID } from 'node:crypto';
import { planActiveAgents } from '../domain/planner.ts';
import type { CampaignPolicy } from '../domain/schemas.ts';
import type { ValidationIssue } from '../domain/types.ts';
import { validateSubmission } from '../domain/validate.ts';
import type { Accepted, PlanResponse } from './api-schemas.ts';
import { bodyHash, IDEMPOTENCY_TAKEOVER_MS, IdempotencyKeySchema } from './idempotency.ts';
import type { AssignmentRecord } from './model.ts';
import type { AssignmentStore, Clock, DispatchQueue } from './ports.ts';
import { acceptedView } from './queries.ts';

export interface SubmitDeps {
  store: AssignmentStore;
  queue: DispatchQueue;
  policyFor(campaignId: string): Promise<CampaignPolicy | undefined>;
  clock: Clock;
  newId?: () => string;
}

export interface SubmitRequest {
  campaignId: string;
  body: unknown;
  idempotencyKey?: string;
  dryRun: boolean;
}

/**
 * What a submission came to. `accepted`: stored and queued (`replayed` when an earlier request with the same
 * Idempotency-Key did it); `plan`: the dry run's answer; the others refuse it and change nothing.
 */
export type SubmitOutcome =
  | { kind: 'accepted'; replayed: boolean; accepted: Accepted }
  | { kind: 'plan'; plan: PlanResponse }
  | { kind: 'unknown_campaign' }
  | { kind: 'invalid_idempotency_key' }
  | { kind: 'invalid'; issues: ValidationIssue[] }
  /** The Idempotency-Key was used before with another body. */
  | { kind: 'idempotency_key_reused' }
  /** The first request with the Idempotency-Key has not finished queueing yet. */
  | { kind: 'idempotency_key_in_flight' };

/** Validates a campaign's desired agents, stores them as the campaign's desired state and queues the dispatch. */
export async function submitAssignment(deps: SubmitDeps, request: SubmitRequest): Promise<SubmitOutcome> {
  const policy = await deps.policyFor(request.campaignId);
  if (!policy) return { kind: 'unknown_campaign' };
  if (
    request.idempotencyKey !== undefined &&
    !IdempotencyKeySchema.safeParse(request.idempotencyKey).success
  ) {
    return { kind: 'invalid_idempotency_key' };
  }
  const now = deps.clock.now();
  const validation = validateSubmission(policy, request.campaignId, request.body, now);
  if (!validation.ok) return { kind: 'invalid', issues: validation.errors };
  const submission = validation.submission;
  if (request.dryRun) {
    return {
      kind: 'plan',
      plan: {
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
    return { kind: 'accepted', replayed: false, accepted: acceptedView(record) };
  }
  if (claim && created.existingBodyHash !== claim.bodyHash) return { kind: 'idempotency_key_reused' };
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
  if (!existing) return { kind: 'idempotency_key_in_flight' };
  if (existing.enqueuedAt) return { kind: 'accepted', replayed: true, accepted: acceptedView(existing) };
  if (now.getTime() - Date.parse(claimedAt) < IDEMPOTENCY_TAKEOVER_MS)
    return { kind: 'idempotency_key_in_flight' };
  // The first request stored the state but died before queueing it: this retry finishes the job.
  // SQS FIFO deduplicates by assignment id, so a late send of the first request cannot double it.
  await enqueue(deps, existing, now.toISOString());
  return { kind: 'accepted', replayed: false, accepted: acceptedView(existing) };
}
