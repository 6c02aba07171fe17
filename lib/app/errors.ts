/** CXone could not take the change now (429, 5xx, network, timeout): try again later, maybe after `retryAfterMs`. */
export class RetryLaterError extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryLaterError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** CXone refused the change for good (400/403/404): retrying cannot help. */
export class PermanentRefusalError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentRefusalError';
    this.status = status;
  }
}
