// `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date in one of the three formats of RFC 9110 §5.6.7.
// Dates are parsed by their grammar, not by Date.parse, which accepts almost anything and reads asctime as local
// time.

export interface RetryAfterOptions {
  /** Epoch ms of our clock: the reference for a date when the response has no usable `Date` header. */
  nowMs: number;
  /** The response's `Date` header: a date is measured against it (no clock skew between us and the server). */
  dateHeader?: string | null;
  /** Longest wait the caller accepts; a longer one is clamped (each caller states its own). */
  maxMs: number;
}

/** Milliseconds in [0, maxMs], or undefined when the header is missing or not understood. */
export function parseRetryAfter(
  value: string | null | undefined,
  options: RetryAfterOptions,
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, options.maxMs);

  const at = parseHttpDate(text, options.nowMs);
  if (at === undefined) return undefined;
  const serverNow = options.dateHeader ? parseHttpDate(options.dateHeader.trim(), options.nowMs) : undefined;
  return Math.min(Math.max(at - (serverNow ?? options.nowMs), 0), options.maxMs);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete; no zone, means GMT) */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * An HTTP-date as epoch ms, or undefined when `text` is not one or names no real instant (30 Feb, 25:00).
 * A two-digit RFC 850 year more than 50 years ahead of `nowMs` is the latest past year ending in those digits.
 */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return utc(Number(year), month, day, hour, minute, second);
  }
  match = RFC_850.exec(text);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return utc(fullYear(Number(year), nowMs), month, day, hour, minute, second);
  }
  match = ASCTIME.exec(text);
  if (match) {
    const [, month, day, hour, minute, second, year] = match;
    return utc(Number(year), month, day?.trim(), hour, minute, second);
  }
  return undefined;
}

function fullYear(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  const year = Math.floor(thisYear / 100) * 100 + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

function utc(
  year: number,
  monthName: string | undefined,
  ...parts: Array<string | undefined>
): number | undefined {
  const month = MONTHS.indexOf(monthName ?? '');
  const [day, hour, minute, second] = parts.map(Number) as [number, number, number, number];
  // Leap second 60 is allowed by the grammar; it is read as the next second.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const at = new Date(0);
  at.setUTCFullYear(year, month, day); // not Date.UTC, which reads years 0–99 as 1900–1999
  at.setUTCHours(hour, minute);
  if (at.getUTCMonth() !== month || at.getUTCDate() !== day) return undefined;
  return at.getTime() + second * 1000;
}
