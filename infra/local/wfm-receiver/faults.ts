import * as z from 'zod';
import { chance, type Random } from '../cxone-sandbox/random.ts';

/** Receiver faults (set with `PUT /faults`): answer `status` instead of 2xx with probability `failRate`, or be down. */
export interface ReceiverFaults {
  failRate: number;
  /** The failure status; default 503. */
  status: number;
  /** Extra: Retry-After seconds sent with injected failures; null = no header. */
  retryAfterSeconds: number | null;
  /** Every webhook's connection is destroyed on arrival, nothing is recorded (like a host that is down). */
  down: boolean;
}

export const NO_RECEIVER_FAULTS: Readonly<ReceiverFaults> = Object.freeze({
  failRate: 0,
  status: 503,
  retryAfterSeconds: null,
  down: false,
});

/** A request path as the receiver records it (`/hooks/a`). */
export const ReceiverPathSchema = z
  .string()
  .regex(/^\/[\x21-\x7e]{0,512}$/, 'must be a path starting with /');

/**
 * Body of `PUT /faults`: fields optional, merged into the current faults; unknown fields refused. With `path`, the
 * faults apply to webhooks on that path only (they replace the global ones there).
 */
export const receiverFaultsUpdateSchema = z.strictObject({
  path: ReceiverPathSchema.optional(),
  failRate: z.number().min(0).max(1).optional(),
  status: z.number().int().min(300).max(599).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).nullable().optional(),
  down: z.boolean().optional(),
});

export type ReceiverFaultsUpdate = z.infer<typeof receiverFaultsUpdateSchema>;

export function mergeReceiverFaults(current: ReceiverFaults, update: ReceiverFaultsUpdate): ReceiverFaults {
  const merged: ReceiverFaults = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value !== undefined && key !== 'path') Object.assign(merged, { [key]: value });
  }
  return merged;
}

/** Body of `PUT /secrets`: webhooks on `path` are verified with `secret` instead of the receiver's own. */
export const receiverSecretSchema = z.strictObject({
  path: ReceiverPathSchema,
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64'),
});

export function shouldFail(faults: ReceiverFaults, random: Random): boolean {
  return chance(random, faults.failRate);
}
