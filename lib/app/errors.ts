/** CXone could not take the change now (429, 5xx, network, timeout): try again later, maybe after `retryAfterMs`. */
export class RetryLaterError extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryLaterError';
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Retrying cannot help: CXone refused the change (400/403/404, a capacity conflict load balancing could not
 * resolve), or refused the service's credentials, or the secret holding them is malformed.
 */
export class PermanentRefusalError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentRefusalError';
    this.status = status;
  }
}
