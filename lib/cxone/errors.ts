// Typed CXone client errors. The dispatcher maps them to assignment statuses (lib/adapters/cxone-converger.ts):
// retryable → back to SQS (visibility delay from retryAfterMs when known), permanent → rejected, conflict (the
// campaign-agents target only) → load balancing (lib/cxone/converge.ts), then rejected if that cannot resolve it; auth (refused or malformed
// credentials) → rejected at once, with the CxoneAuthFailures metric and an error log line for an operator.

export interface CxoneErrorDetails {
  status?: number;
  /** CXone's `error` code, e.g. `invalid_request`. */
  code?: string;
  /** The request that failed, e.g. `POST /skills/{skillId}/agents` (no query, no credentials). */
  operation?: string;
  cause?: unknown;
}

export class CxoneError extends Error {
  override name = 'CxoneError';
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly operation: string | undefined;

  constructor(message: string, details: CxoneErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.operation = details.operation;
  }
}

/** 429, 5xx, network error, timeout or a deadline reached: try again later (the caller decides when). */
export class CxoneRetryableError extends CxoneError {
  override name = 'CxoneRetryableError';
  /** How long the server (Retry-After) or the client-side rate limiter asked to wait, when known. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: CxoneErrorDetails & { retryAfterMs?: number } = {}) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The token request or the API refused our credentials even after a fresh token and a re-read secret: retrying
 * cannot help until an operator fixes the secret.
 */
export class CxoneAuthError extends CxoneError {
  override name = 'CxoneAuthError';
}

/** 400 / 403 / 404 / 409 and other 4xx: retrying cannot help (the Admin API's 409 means "Invalid Permissions"). */
export class CxonePermanentError extends CxoneError {
  override name = 'CxonePermanentError';
}

/**
 * 409 of the campaign-agents contract: the gateway refused the change for capacity; `limit` is the most active agents
 * it accepts, when it said. The Admin API has no such answer.
 */
export class CxoneConflictError extends CxoneError {
  override name = 'CxoneConflictError';
  readonly limit: number | undefined;

  constructor(message: string, details: CxoneErrorDetails & { limit?: number } = {}) {
    super(message, details);
    this.limit = details.limit;
  }
}

/** The selected target cannot do this at all (e.g. the campaign-agents contract has no skill lookup). */
export class CxoneUnsupportedError extends CxoneError {
  override name = 'CxoneUnsupportedError';
}

/** The credentials secret is missing fields or malformed. Names the fields, never their values. */
export class CxoneCredentialsError extends CxoneAuthError {
  override name = 'CxoneCredentialsError';
}
