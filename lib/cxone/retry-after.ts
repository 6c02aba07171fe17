/** Longest wait we accept from a `Retry-After` header; a longer one is clamped (the caller can still give up). */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. A date is measured against the
 * response's `Date` header when there is one (avoids clock skew between us and the server), else against `nowMs`.
 * Returns milliseconds in [0, maxMs], or undefined when the header is missing or not understood.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  options: { nowMs: number; dateHeader?: string | null; maxMs?: number },
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const maxMs = options.maxMs ?? DEFAULT_MAX_RETRY_AFTER_MS;

  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, maxMs);

  // Only accept things that look like an HTTP-date (a weekday name first), not any string Date.parse tolerates.
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const serverNow = options.dateHeader ? Date.parse(options.dateHeader) : Number.NaN;
  const reference = Number.isNaN(serverNow) ? options.nowMs : serverNow;
  return Math.min(Math.max(at - reference, 0), maxMs);
}
