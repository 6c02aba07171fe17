// WFM webhook endpoints created through the API: the request bodies, the stored records, the API views and the
// WFM queue messages, each defined once here (the OpenAPI document is generated from those with an `id`).
import * as z from '../domain/zod.ts';
import { WfmEventSchema } from '../wfm/cloudevents.ts';
import { EndpointUrlSchema, EventTypePatternSchema } from '../wfm/endpoints.ts';

/** `ep_` + 12 hex digits of creation time (ms) + 12 random hex digits: ids sort by creation. */
export const WebhookEndpointIdSchema = z
  .string()
  .check(z.regex(/^ep_[0-9a-f]{24}$/, 'must be ep_ followed by 24 hex digits'))
  .register(z.globalRegistry, { id: 'WebhookEndpointId', example: 'ep_0193c2a1f0b24c7d9e8f1a2b' });

export const MAX_EVENT_TYPE_PATTERNS = 50;
export const MAX_DESCRIPTION_LENGTH = 256;
/** Longest grace period of a rotation: both signatures for at most a week. */
export const MAX_GRACE_PERIOD_SECONDS = 604_800;
export const DEFAULT_GRACE_PERIOD_SECONDS = 86_400;

const EventTypesSchema = z
  .array(EventTypePatternSchema)
  .check(z.minLength(1), z.maxLength(MAX_EVENT_TYPE_PATTERNS))
  .register(z.globalRegistry, {
    description:
      'Event types this endpoint receives: exact types, prefixes ending in .* (com.cxone-assignments.agent.*) or *.',
  });
const DescriptionSchema = z.string().check(z.maxLength(MAX_DESCRIPTION_LENGTH));
const UrlSchema = z.withMeta(EndpointUrlSchema, {
  description:
    'Where the webhooks are POSTed: https, a public address, no credentials in the URL; redirects are not followed.',
});

export const CreateEndpointBodySchema = z
  .strictObject({
    url: UrlSchema,
    description: z.optional(DescriptionSchema),
    eventTypes: z.optional(EventTypesSchema),
    enabled: z.optional(z.boolean()),
  })
  .register(z.globalRegistry, { id: 'WebhookEndpointCreate' });
export type CreateEndpointBody = z.infer<typeof CreateEndpointBodySchema>;

export const PatchEndpointBodySchema = z
  .strictObject({
    url: z.optional(UrlSchema),
    description: z.optional(DescriptionSchema),
    eventTypes: z.optional(EventTypesSchema),
    enabled: z.optional(z.boolean()),
  })
  .register(z.globalRegistry, { id: 'WebhookEndpointPatch' });
export type PatchEndpointBody = z.infer<typeof PatchEndpointBodySchema>;

export const RotateSecretBodySchema = z
  .strictObject({
    gracePeriodSeconds: z.optional(
      z.number().check(z.int(), z.minimum(0), z.maximum(MAX_GRACE_PERIOD_SECONDS)),
    ),
  })
  .register(z.globalRegistry, { id: 'WebhookSecretRotation' });

const InstantSchema = z.iso.datetime({ offset: true });

export const ReplayBodySchema = z
  .strictObject({
    since: z.withMeta(InstantSchema, {
      description: 'Start of the window (inclusive), ISO 8601 with offset.',
    }),
    until: z.optional(InstantSchema).register(z.globalRegistry, {
      description: 'End of the window (exclusive); default now.',
    }),
  })
  .register(z.globalRegistry, { id: 'WebhookReplay' });

/** Why an endpoint is off: the service turned it off (`gone`, `failing`) or someone did through the API. */
export const DisabledReasonSchema = z.enum(['gone', 'failing', 'manual']).register(z.globalRegistry, {
  id: 'WebhookDisabledReason',
});
export type DisabledReason = z.infer<typeof DisabledReasonSchema>;

/** The stored endpoint (DynamoDB). Secrets are sealed (encrypted) strings that only the SecretSealer opens. */
export const EndpointRecordSchema = z.object({
  id: WebhookEndpointIdSchema,
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()).check(z.minLength(1)),
  enabled: z.boolean(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
  sealedSecret: z.string().check(z.minLength(1)),
  /** The secret before the last rotation, still signing until previousSecretExpiresAt. */
  sealedPreviousSecret: z.optional(z.string().check(z.minLength(1))),
  previousSecretExpiresAt: z.optional(InstantSchema),
  disabledReason: z.optional(DisabledReasonSchema),
  disabledAt: z.optional(InstantSchema),
  /** Set by the first failed attempt after a success; cleared by the next success. */
  failingSince: z.optional(InstantSchema),
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
    disabledReason: z.optional(DisabledReasonSchema),
    disabledAt: z.optional(InstantSchema),
    previousSecretExpiresAt: z.optional(InstantSchema).register(z.globalRegistry, {
      description: 'While set, webhooks carry a second signature with the secret before the last rotation.',
    }),
  })
  .register(z.globalRegistry, { id: 'WebhookEndpoint' });
export type EndpointView = z.infer<typeof EndpointViewSchema>;

const SecretSchema = z
  .string()
  .check(z.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/))
  .register(z.globalRegistry, {
    description:
      'The signing secret (Standard Webhooks, whsec_ + base64 of 32 random bytes). Shown only once.',
  });

export const EndpointCreatedSchema = z
  .extend(EndpointViewSchema, { secret: SecretSchema })
  .register(z.globalRegistry, {
    id: 'WebhookEndpointCreated',
  });
export type EndpointCreated = z.infer<typeof EndpointCreatedSchema>;

export const RotatedSecretSchema = z
  .strictObject({ secret: SecretSchema, previousSecretExpiresAt: z.optional(InstantSchema) })
  .register(z.globalRegistry, { id: 'WebhookSecretRotated' });
export type RotatedSecret = z.infer<typeof RotatedSecretSchema>;

export const EndpointListSchema = z
  .strictObject({ items: z.array(EndpointViewSchema), nextCursor: z.optional(z.string()) })
  .register(z.globalRegistry, { id: 'WebhookEndpointList' });

/** One delivery attempt to an API-created endpoint, as the deliveries route lists it. */
export const DeliveryAttemptSchema = z
  .strictObject({
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().check(z.int(), z.positive()),
    at: InstantSchema,
    httpStatus: z.optional(z.number().check(z.int())),
    outcome: z.enum(['delivered', 'failed', 'pending']),
    durationMs: z.number().check(z.int(), z.nonnegative()),
    nextAttemptAt: z.optional(InstantSchema),
    error: z.optional(z.string()).register(z.globalRegistry, {
      description: 'Why the attempt failed (never a secret, signature or URL).',
    }),
  })
  .register(z.globalRegistry, { id: 'WebhookDeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

export const DeliveryAttemptListSchema = z
  .strictObject({ items: z.array(DeliveryAttemptSchema), nextCursor: z.optional(z.string()) })
  .register(z.globalRegistry, { id: 'WebhookDeliveryAttemptList' });

export const ReplayAcceptedSchema = z
  .strictObject({ events: z.number().check(z.int(), z.nonnegative()) })
  .register(z.globalRegistry, { id: 'WebhookReplayAccepted' });

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
  endpoint: z.string().check(z.minLength(1)),
  event: WfmEventSchema,
});
export const EndpointDeliveryMessageSchema = z.strictObject({
  endpointId: WebhookEndpointIdSchema,
  event: WfmEventSchema,
  /** Sent by the replay route. */
  replay: z.optional(z.literal(true)),
});
export type FanOutMessage = z.infer<typeof FanOutMessageSchema>;
export type StaticDeliveryMessage = z.infer<typeof StaticDeliveryMessageSchema>;
export type EndpointDeliveryMessage = z.infer<typeof EndpointDeliveryMessageSchema>;
export type WfmDeliveryMessage = StaticDeliveryMessage | EndpointDeliveryMessage;
export type WfmQueueMessage = FanOutMessage | WfmDeliveryMessage;

/** Reads any WFM queue message; the kind is told by its fields, so a bad one reports the issues of its kind. */
export const WfmQueueMessageSchema = z.pipe(
  z.unknown(),
  z.transform((body, ctx): WfmQueueMessage => {
    const fields = body !== null && typeof body === 'object' ? body : {};
    const schema =
      'endpointId' in fields
        ? EndpointDeliveryMessageSchema
        : 'endpoint' in fields
          ? StaticDeliveryMessageSchema
          : FanOutMessageSchema;
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) z.addIssue(ctx, issue);
    return z.NEVER;
  }),
) as unknown as z.ZodMiniType<WfmQueueMessage>;

/** A message for one endpoint (the others are events to fan out). */
export function isDelivery(message: WfmQueueMessage): message is WfmDeliveryMessage {
  return 'endpoint' in message || 'endpointId' in message;
}
