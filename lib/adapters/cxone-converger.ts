import { PermanentRefusalError, RetryLaterError } from '../app/errors.ts';
import type { CampaignConverger, ConvergeContext, ConvergeOutcome, ConvergeTarget } from '../app/ports.ts';
import { convergeWithBalancing } from '../cxone/converge.ts';
import { CxoneConflictError, CxonePermanentError, CxoneRetryableError } from '../cxone/errors.ts';
import type { CxoneAssignmentClient } from '../cxone/types.ts';
import type { AgentPlan } from '../domain/types.ts';

/** The dispatcher's port onto the CXone client: load balancing included, CXone errors mapped to retry or refuse. */
export class CxoneConverger implements CampaignConverger {
  private readonly client: CxoneAssignmentClient;

  constructor(client: CxoneAssignmentClient) {
    this.client = client;
  }

  async converge(
    target: ConvergeTarget,
    plan: AgentPlan[],
    context: ConvergeContext,
  ): Promise<ConvergeOutcome> {
    try {
      const result = await convergeWithBalancing(this.client, target, plan, context);
      return {
        plan: result.plan,
        dropped: result.dropped,
        before: result.before,
        after: result.current,
        added: result.added,
        updated: result.updated,
        removed: result.removed,
        failedAgents: result.failedAgents.map(({ userId, reason }) => ({ userId, reason })),
        reads: result.reads,
        writes: result.writes,
        verified: result.verified,
        cxoneMs: result.cxoneMs,
      };
    } catch (error) {
      throw mapCxoneError(error);
    }
  }
}

export function mapCxoneError(error: unknown): Error {
  if (error instanceof CxonePermanentError) {
    return new PermanentRefusalError(`CXone refused the change: ${error.message}`, error.status, {
      cause: error,
    });
  }
  if (error instanceof CxoneConflictError) {
    return new PermanentRefusalError(
      `CXone reported a capacity conflict that load balancing could not resolve: ${error.message}`,
      error.status,
      { cause: error },
    );
  }
  if (error instanceof CxoneRetryableError) {
    return new RetryLaterError(error.message, error.retryAfterMs, { cause: error });
  }
  // Auth failures (the secret may be rotated meanwhile), network and unknown errors: try again later.
  return new RetryLaterError(error instanceof Error ? error.message : String(error), undefined, {
    cause: error,
  });
}
