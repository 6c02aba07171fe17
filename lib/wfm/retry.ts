// When to try a webhook again. SQS does the retrying: the handler sets the failed message's visibility timeout to
// retryDelaySeconds(...), and the redrive policy's maxReceiveCount moves it to the DLQ in the end.

/** SQS's limit for a message's visibility timeout (12 h). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** Longest Retry-After we honour; a longer one is clamped. */
export const MAX_RETRY_AFTER_MS = MAX_VISIBILITY_TIMEOUT_SECONDS * 1000;

export interface RetryDelayPolicy {
  baseSeconds: number;
  capSeconds: number;
  /** Returns [0, 1) like Math.random; injected in tests. */
  random: () => number;
}

export const DEFAULT_RETRY_DELAY_POLICY: RetryDelayPolicy = {
  baseSeconds: 5,
  capSeconds: 900,
  random: Math.random,
};

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. A date is measured against the response's
 * `Date` header when it has one (no clock skew between us and the receiver), else against `nowMs`.
 * Returns milliseconds in [0, maxMs], or undefined when the header is missing or not understood.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  options: { nowMs: number; dateHeader?: string | null; maxMs?: number },
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const maxMs = options.maxMs ?? MAX_RETRY_AFTER_MS;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, maxMs);

  // An HTTP-date starts with a day name (IMF-fixdate, RFC 850, asctime); refuse whatever else Date.parse tolerates.
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  // asctime carries no zone but means GMT; Date.parse would read it as local time.
  const at = Date.parse(
    /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/.test(text) ? `${text} GMT` : text,
  );
  if (Number.isNaN(at)) return undefined;
  const serverNow = options.dateHeader ? Date.parse(options.dateHeader) : Number.NaN;
  const reference = Number.isNaN(serverNow) ? options.nowMs : serverNow;
  return Math.min(Math.max(at - reference, 0), maxMs);
}

/**
 * Visibility timeout, in whole seconds, before the next attempt of a message received `receiveCount` times
 * (SQS ApproximateReceiveCount, 1 on the first receive). A Retry-After wins; otherwise exponential backoff with full
 * jitter: random(0, min(cap, base · 2^(receiveCount-1))). Always within [1, 43200] so no retry is immediate.
 */
export function retryDelaySeconds(
  receiveCount: number,
  retryAfterMs?: number,
  policy: Partial<RetryDelayPolicy> = {},
): number {
  const { baseSeconds, capSeconds, random } = { ...DEFAULT_RETRY_DELAY_POLICY, ...policy };
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
    return clampSeconds(Math.ceil(retryAfterMs / 1000));
  }
  const attempt = Number.isFinite(receiveCount) ? Math.max(Math.floor(receiveCount), 1) : 1;
  const ceiling = Math.min(capSeconds, baseSeconds * 2 ** Math.min(attempt - 1, 30));
  return clampSeconds(Math.floor(random() * (ceiling + 1)));
}

function clampSeconds(seconds: number): number {
  return Math.min(Math.max(seconds, 1), MAX_VISIBILITY_TIMEOUT_SECONDS);
}
