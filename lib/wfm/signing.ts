import { createHmac } from 'node:crypto';
import * as z from '../domain/zod.ts';

// Standard Webhooks v1 (standardwebhooks.com): HMAC-SHA256 over `${id}.${timestamp}.${body}`, base64, sent as
// `webhook-signature: v1,<sig>`; several space-separated signatures while a secret is being rotated.

export const SIGNING_SECRET_PREFIX = 'whsec_';
/** Standard Webhooks: secrets are random, 24 to 64 bytes. Shorter keys are refused. */
export const MIN_SIGNING_KEY_BYTES = 24;

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SECRET_FORMAT = `"${SIGNING_SECRET_PREFIX}" followed by the base64 of at least ${MIN_SIGNING_KEY_BYTES} random bytes`;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export interface SignWebhookInput {
  /** The event id; the same on every attempt. Must not contain `.`. */
  id: string;
  /** Unix time in seconds of this attempt. */
  timestamp: number;
  /** The exact body string that is sent (signed as UTF-8). */
  body: string;
  /** `whsec_<base64>` secrets, current first; one signature each. */
  secrets: readonly string[];
}

/** A signing secret that is not `whsec_<base64>` of enough bytes. The message never contains the secret. */
export class InvalidSigningSecretError extends Error {
  constructor(label: string) {
    super(`${label} is malformed: expected ${SECRET_FORMAT}`);
    this.name = 'InvalidSigningSecretError';
  }
}

/** Decodes `whsec_<base64>` into the HMAC key. `label` names the secret in the error (e.g. "current"). */
export function parseSigningSecret(secret: string, label = 'WFM signing secret'): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(SIGNING_SECRET_PREFIX)) {
    throw new InvalidSigningSecretError(label);
  }
  const encoded = secret.slice(SIGNING_SECRET_PREFIX.length);
  if (encoded === '' || !STRICT_BASE64.test(encoded)) throw new InvalidSigningSecretError(label);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SIGNING_KEY_BYTES) throw new InvalidSigningSecretError(label);
  return key;
}

/** The three Standard Webhooks headers for one attempt. */
export function signWebhook(input: SignWebhookInput): WebhookHeaders {
  if (!/^[^.\s]+$/.test(input.id))
    throw new TypeError('webhook id must be non-empty without "." or whitespace');
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new TypeError('webhook timestamp must be a non-negative integer number of seconds');
  }
  if (input.secrets.length === 0)
    throw new InvalidSigningSecretError('the list of WFM signing secrets (empty)');

  const signatures = input.secrets.map((secret, index) => {
    const key = parseSigningSecret(secret, `WFM signing secret #${index + 1}`);
    const mac = createHmac('sha256', key)
      .update(`${input.id}.${input.timestamp}.`, 'utf8')
      .update(input.body, 'utf8')
      .digest('base64');
    return `v1,${mac}`;
  });
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

const SigningSecretStringSchema = z
  .string()
  .check(z.refine((secret) => isWellFormedSigningSecret(secret), { message: `must be ${SECRET_FORMAT}` }));

/** The Secrets Manager JSON at WFM_SECRET_ID. `previous` (absent, null or "" when no rotation) adds a signature. */
export const WfmSigningSecretSchema = z.object({
  current: SigningSecretStringSchema,
  previous: z.pipe(
    z.transform((value) => (value === null || value === '' ? undefined : value)),
    z.optional(SigningSecretStringSchema),
  ),
});
export type WfmSigningSecret = z.infer<typeof WfmSigningSecretSchema>;

/** The secrets to sign with, current first; `previous` only while it is set and differs. */
export function signingSecretsOf(secret: WfmSigningSecret): string[] {
  return secret.previous === undefined || secret.previous === secret.current
    ? [secret.current]
    : [secret.current, secret.previous];
}

function isWellFormedSigningSecret(secret: string): boolean {
  try {
    parseSigningSecret(secret);
    return true;
  } catch {
    return false;
  }
}
