// WFM webhook endpoints created through the API: the request bodies, the stored records, the API views and the
// WFM queue messages, each defined once here (the OpenAPI document is generated from the `.meta({ id })` ones).
import * as z from 'zod';
import { WfmEventSchema } from '../wfm/cloudevents.ts';
import { EndpointUrlSchema, EventTypePatternSchema } from '../wfm/endpoints.ts';

/** `ep_` + 12 hex digits of creation time (ms) + 12 random hex digits: ids sort by creation. */
export const WebhookEndpointIdSchema = z
  .string()
  .regex(/^ep_[0-9a-f]{24}$/, 'must be ep_ followed by 24 hex digits')
  .meta({ id: 'WebhookEndpointId', example: 'ep_0193c2a1f0b24c7d9e8f1a2b' });

export const MAX_EVENT_TYPE_PATTERNS = 50;
export const MAX_DESCRIPTION_LENGTH = 256;
/** Longest grace period of a rotation: both signatures for at most a week. */
export const MAX_GRACE_PERIOD_SECONDS = 604_800;
export const DEFAULT_GRACE_PERIOD_SECONDS = 86_400;

const EventTypesSchema = z
  .array(EventTypePatternSchema)
  .min(1)
  .max(MAX_EVENT_TYPE_PATTERNS)
  .describe(
    'Event types this endpoint receives: exact types, prefixes ending in .* (com.cxone-assignments.agent.*) or *.',
  );
const DescriptionSchema = z.string().max(MAX_DESCRIPTION_LENGTH);
const UrlSchema = EndpointUrlSchema.describe(
  'Where the webhooks are POSTed: https, a public address, no credentials in the URL; redirects are not followed.',
);

export const CreateEndpointBodySchema = z
  .strictObject({
    url: UrlSchema,
    description: DescriptionSchema.optional(),
    eventTypes: EventTypesSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'WebhookEndpointCreate' });
export type CreateEndpointBody = z.infer<typeof CreateEndpointBodySchema>;

export const PatchEndpointBodySchema = z
  .strictObject({
    url: UrlSchema.optional(),
    description: DescriptionSchema.optional(),
    eventTypes: EventTypesSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'WebhookEndpointPatch' });
export type PatchEndpointBody = z.infer<typeof PatchEndpointBodySchema>;

export const RotateSecretBodySchema = z
  .strictObject({
    gracePeriodSeconds: z.number().int().min(0).max(MAX_GRACE_PERIOD_SECONDS).optional(),
  })
  .meta({ id: 'WebhookSecretRotation' });

const InstantSchema = z.iso.datetime({ offset: true });

export const ReplayBodySchema = z
  .strictObject({
    since: InstantSchema.describe('Start of the window (inclusive), ISO 8601 with offset.'),
    until: InstantSchema.optional().describe('End of the window (exclusive); default now.'),
  })
  .meta({ id: 'WebhookReplay' });

/** Why an endpoint is off: the service turned it off (`gone`, `failing`) or someone did through the API. */
export const DisabledReasonSchema = z
  .enum(['gone', 'failing', 'manual'])
  .meta({ id: 'WebhookDisabledReason' });
export type DisabledReason = z.infer<typeof DisabledReasonSchema>;

/** The stored endpoint (DynamoDB). Secrets are sealed (encrypted) strings that only the SecretSealer opens. */
export const EndpointRecordSchema = z.object({
  id: WebhookEndpointIdSchema,
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()).min(1),
  enabled: z.boolean(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
  sealedSecret: z.string().min(1),
  /** The secret before the last rotation, still signing until previousSecretExpiresAt. */
  sealedPreviousSecret: z.string().min(1).optional(),
  previousSecretExpiresAt: InstantSchema.optional(),
  disabledReason: DisabledReasonSchema.optional(),
  disabledAt: InstantSchema.optional(),
  /** Set by the first failed attempt after a success; cleared by the next success. */
  failingSince: InstantSchema.optional(),
});
export type EndpointRecord = z.infer<typeof EndpointRecordSchema>;

/** What fan-out needs of an endpoint (no secret is read for it). */
export type EndpointSubscription = Pick<EndpointRecord, 'id' | 'enabled' | 'eventTypes'>;

export const EndpointViewSchema = z
  .strictObject({
    id: WebhookEndpointIdSchema,
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
    disabledReason: DisabledReasonSchema.optional(),
    disabledAt: InstantSchema.optional(),
    previousSecretExpiresAt: InstantSchema.optional().describe(
      'While set, webhooks carry a second signature with the secret before the last rotation.',
    ),
  })
  .meta({ id: 'WebhookEndpoint' });
export type EndpointView = z.infer<typeof EndpointViewSchema>;

const SecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
  .describe('The signing secret (Standard Webhooks, whsec_ + base64 of 32 random bytes). Shown only once.');

export const EndpointCreatedSchema = EndpointViewSchema.extend({ secret: SecretSchema }).meta({
  id: 'WebhookEndpointCreated',
});
export type EndpointCreated = z.infer<typeof EndpointCreatedSchema>;

export const RotatedSecretSchema = z
  .strictObject({ secret: SecretSchema, previousSecretExpiresAt: InstantSchema.optional() })
  .meta({ id: 'WebhookSecretRotated' });
export type RotatedSecret = z.infer<typeof RotatedSecretSchema>;

export const EndpointListSchema = z
  .strictObject({ items: z.array(EndpointViewSchema), nextCursor: z.string().optional() })
  .meta({ id: 'WebhookEndpointList' });

/** One delivery attempt to an API-created endpoint, as the deliveries route lists it. */
export const DeliveryAttemptSchema = z
  .strictObject({
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int().positive(),
    at: InstantSchema,
    httpStatus: z.number().int().optional(),
    outcome: z.enum(['delivered', 'failed', 'pending']),
    durationMs: z.number().int().nonnegative(),
    nextAttemptAt: InstantSchema.optional(),
    error: z.string().optional().describe('Why the attempt failed (never a secret, signature or URL).'),
  })
  .meta({ id: 'WebhookDeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

export const DeliveryAttemptListSchema = z
  .strictObject({ items: z.array(DeliveryAttemptSchema), nextCursor: z.string().optional() })
  .meta({ id: 'WebhookDeliveryAttemptList' });

export const ReplayAcceptedSchema = z
  .strictObject({ events: z.number().int().nonnegative() })
  .meta({ id: 'WebhookReplayAccepted' });

/** The API's view of an endpoint at `now`: never a secret; a rotation's end only while it is ahead. */
export function endpointView(record: EndpointRecord, now: Date): EndpointView {
  const rotating =
    record.previousSecretExpiresAt !== undefined &&
    Date.parse(record.previousSecretExpiresAt) > now.getTime();
  return {
    id: record.id,
    url: record.url,
    description: record.description,
    eventTypes: record.eventTypes,
    enabled: record.enabled,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.disabledReason === undefined ? {} : { disabledReason: record.disabledReason }),
    ...(record.disabledAt === undefined ? {} : { disabledAt: record.disabledAt }),
    ...(rotating ? { previousSecretExpiresAt: record.previousSecretExpiresAt } : {}),
  };
}

// The WFM events queue carries three kinds of message: an event to fan out (from the dispatcher, or an
// endpoint.disabled), and one event for one endpoint, either a deploy-parameter endpoint (by name) or an
// API-created one (by id). Fan-out turns the first kind into the others, one message per matching endpoint, so
// each endpoint's deliveries retry on their own.

export const FanOutMessageSchema = z.strictObject({ event: WfmEventSchema });
export const StaticDeliveryMessageSchema = z.strictObject({
  endpoint: z.string().min(1),
  event: WfmEventSchema,
});
export const EndpointDeliveryMessageSchema = z.strictObject({
  endpointId: WebhookEndpointIdSchema,
  event: WfmEventSchema,
  /** Sent by the replay route. */
  replay: z.literal(true).optional(),
});
export type FanOutMessage = z.infer<typeof FanOutMessageSchema>;
export type StaticDeliveryMessage = z.infer<typeof StaticDeliveryMessageSchema>;
export type EndpointDeliveryMessage = z.infer<typeof EndpointDeliveryMessageSchema>;
export type WfmDeliveryMessage = StaticDeliveryMessage | EndpointDeliveryMessage;
export type WfmQueueMessage = FanOutMessage | WfmDeliveryMessage;

/** Reads any WFM queue message; the kind is told by its fields, so a bad one reports the issues of its kind. */
export const WfmQueueMessageSchema: z.ZodType<WfmQueueMessage> = z.unknown().transform((body, ctx) => {
  const fields = body !== null && typeof body === 'object' ? body : {};
  const schema =
    'endpointId' in fields
      ? EndpointDeliveryMessageSchema
      : 'endpoint' in fields
        ? StaticDeliveryMessageSchema
        : FanOutMessageSchema;
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
  return z.NEVER;
}) as unknown as z.ZodType<WfmQueueMessage>;

/** A message for one endpoint (the others are events to fan out). */
export function isDelivery(message: WfmQueueMessage): message is WfmDeliveryMessage {
  return 'endpoint' in message || 'endpointId' in message;
}
