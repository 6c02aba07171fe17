import { PermanentRefusalError, RetryLaterError } from '../app/errors.ts';
import type {
  CampaignConverger,
  ConvergeContext,
  ConvergeOutcome,
  ConvergeTarget,
  TrustedSkillPicture,
} from '../app/ports.ts';
import { convergeWithBalancing } from '../cxone/converge.ts';
import {
  CxoneAuthError,
  CxoneConflictError,
  CxoneCredentialsError,
  CxonePermanentError,
  CxoneRetryableError,
} from '../cxone/errors.ts';
import type { CxoneConvergeClient } from '../cxone/types.ts';
import type { MembershipScope } from '../domain/membership.ts';
import type { AgentPlan } from '../domain/types.ts';

/** CXone refused the service's credentials, or the secret holding them is malformed: a person must fix it. */
export interface CxoneAuthFailure {
  campaignId: string;
  /** The assignment whose dispatch hit it. */
  correlationId: string;
  /** The secret could not be read as credentials (as opposed to CXone refusing them). */
  malformedSecret: boolean;
  /** Names the secret, the fields or CXone's answer; never a credential's value. */
  reason: string;
}

export interface CxoneConvergerOptions {
  /** Raise the alarm (metric, error log): retrying cannot help, an operator must fix the secret. */
  onAuthFailure?: (failure: CxoneAuthFailure) => void;
}

/** The dispatcher's port onto the CXone client: load balancing included, CXone errors mapped to retry or refuse. */
export class CxoneConverger implements CampaignConverger {
  private readonly client: CxoneConvergeClient;
  private readonly onAuthFailure: ((failure: CxoneAuthFailure) => void) | undefined;

  constructor(client: CxoneConvergeClient, options: CxoneConvergerOptions = {}) {
    this.client = client;
    this.onAuthFailure = options.onAuthFailure;
  }

  async converge(
    target: ConvergeTarget,
    plan: AgentPlan[],
    context: ConvergeContext,
    scope: MembershipScope,
    trusted?: TrustedSkillPicture,
  ): Promise<ConvergeOutcome> {
    try {
      const result = await convergeWithBalancing(
        this.client,
        target,
        plan,
        context,
        scope,
        trusted ? { trusted } : {},
      );
      return {
        plan: result.plan,
        dropped: result.dropped,
        before: result.before,
        after: result.current,
        added: result.added,
        updated: result.updated,
        removed: result.removed,
        failedAgents: result.failedAgents,
        reads: result.reads,
        writes: result.writes,
        verified: result.verified,
        cxoneMs: result.cxoneMs,
        hiddenAgents: result.hiddenAgents,
        foreign: result.foreign,
        released: result.released,
        revealed: result.revealed,
        confirmedBy: result.confirmedBy,
      };
    } catch (error) {
      if (error instanceof CxoneAuthError) {
        this.onAuthFailure?.({
          campaignId: target.campaignId,
          correlationId: context.correlationId,
          malformedSecret: error instanceof CxoneCredentialsError,
          reason: error.message,
        });
      }
      throw mapCxoneError(error);
    }
  }
}

/**
 * CXone errors as the dispatcher's two outcomes. Refused credentials have already survived the client's own
 * recovery (a fresh token, a re-read secret) and a malformed secret stays malformed: both are refusals, not retries.
 */
export function mapCxoneError(error: unknown): Error {
  if (error instanceof CxoneAuthError) {
    return new PermanentRefusalError(
      `CXone credentials refused or malformed, an operator must fix the secret: ${error.message}`,
      error.status,
      { cause: error },
    );
  }
  // Includes the Admin API's 409 ("Invalid Permissions"): a refusal, never a reason to deactivate anyone.
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
  // Network and unknown errors (Secrets Manager unreachable, say): try again later.
  return new RetryLaterError(error instanceof Error ? error.message : String(error), undefined, {
    cause: error,
  });
}
