import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as z from '../domain/zod.ts';

/** The `Idempotency-Key` request header: 1–255 visible ASCII characters. */
export const IdempotencyKeySchema = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[\x21-\x7e]+$/));

/** How long a claimed Idempotency-Key may stay un-enqueued before a retry takes the submission over. */
export const IDEMPOTENCY_TAKEOVER_MS = 30_000;

/**
 * Hash of the parsed body in its RFC 8785 (JSON Canonicalization Scheme) form: the same JSON sent with other spacing
 * or key order is the same body.
 */
export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(body: unknown): string {
  try {
    return canonicalize(body) ?? 'null';
  } catch {
    // RFC 8785 refuses strings with lone surrogates, which JSON.parse lets through (`"\ud800"`): hash such a body
    // with them replaced by U+FFFD rather than fail the request.
    return canonicalize(wellFormed(body)) ?? 'null';
  }
}

const LONE_SURROGATE = /\p{Cs}/gu;
const toWellFormed = (text: string) => text.replace(LONE_SURROGATE, '\ufffd');

function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return toWellFormed(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [toWellFormed(key), wellFormed(item)]),
  );
}
