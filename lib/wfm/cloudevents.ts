import { createHash, randomUUID } from 'node:crypto';
import {
  type AgentChange,
  AgentChangeSchema,
  type AssignmentCampaignChange,
  type AssignmentStatus,
  AssignmentStatusSchema,
  type CampaignChange,
  CampaignChangeSchema,
  type FinalStatus,
  FinalStatusSchema,
} from '../app/vocabulary.ts';
import * as z from '../domain/zod.ts';

// CloudEvents 1.0 structured JSON (application/cloudevents+json) — the body of every WFM webhook and, unchanged, the
// `event` of every WfmEventsQueue message. The event types and data fields are listed in docs/events.md.

const EVENT_TYPE_PREFIX = 'com.cxone-assignments.';
export type AssignmentEventType = `com.cxone-assignments.assignment.${FinalStatus}`;
export type AgentEventType = `com.cxone-assignments.agent.${AgentChange}`;
export type CampaignEventType = `com.cxone-assignments.campaign.${CampaignChange}`;
/** An API-created webhook endpoint the service turned off (410 Gone, or every attempt failing for days). */
export const ENDPOINT_DISABLED_EVENT_TYPE = 'com.cxone-assignments.endpoint.disabled';
export type EndpointEventType = typeof ENDPOINT_DISABLED_EVENT_TYPE;
export type WfmEventType = AssignmentEventType | AgentEventType | CampaignEventType | EndpointEventType;

export function assignmentEventType(status: FinalStatus): AssignmentEventType {
  return `${EVENT_TYPE_PREFIX}assignment.${status}`;
}
export function agentEventType(change: AgentChange): AgentEventType {
  return `${EVENT_TYPE_PREFIX}agent.${change}`;
}
export function campaignEventType(change: CampaignChange): CampaignEventType {
  return `${EVENT_TYPE_PREFIX}campaign.${change}`;
}

const ALL_EVENT_TYPES: WfmEventType[] = [
  ...FinalStatusSchema.options.map(assignmentEventType),
  ...AgentChangeSchema.options.map(agentEventType),
  ...CampaignChangeSchema.options.map(campaignEventType),
  ENDPOINT_DISABLED_EVENT_TYPE,
];

/** Every event type: one per final status, per agent change, per campaign change, and endpoint.disabled. */
export const WfmEventTypeSchema = z.enum(ALL_EVENT_TYPES as [WfmEventType, ...WfmEventType[]]);
export const WFM_EVENT_TYPES: readonly WfmEventType[] = WfmEventTypeSchema.options;

export function isAgentEventType(type: string): type is AgentEventType {
  return type.startsWith(`${EVENT_TYPE_PREFIX}agent.`);
}

export function isEndpointEventType(type: string): type is EndpointEventType {
  return type.startsWith(`${EVENT_TYPE_PREFIX}endpoint.`);
}

/** The event id doubles as `webhook-id`, which Standard Webhooks forbids to contain `.`. */
export const WfmEventIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_:-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 _ : -'));

/** A campaign policy created, replaced or deleted through the API (lib/app/policies.ts). */
export const POLICY_CHANGED_EVENT_TYPE = campaignEventType('policy_changed');
/** A campaign's CXone skill found to differ from the plan for now (lib/app/drift.ts). */
export const DRIFT_DETECTED_EVENT_TYPE = campaignEventType('drift_detected');
/** Campaign events about the campaign itself rather than one assignment: subject and required data = campaignId. */
const CAMPAIGN_SUBJECT_TYPES: ReadonlySet<WfmEventType> = new Set([
  POLICY_CHANGED_EVENT_TYPE,
  DRIFT_DETECTED_EVENT_TYPE,
]);

/** Why the service disabled a webhook endpoint: it answered 410 Gone, or it failed every attempt for days. */
export const EndpointDisabledReasonSchema = z.enum(['gone', 'failing']);
export type EndpointDisabledReason = z.infer<typeof EndpointDisabledReasonSchema>;

/** `data` of `endpoint.disabled` (the URL is left out: it may carry a token of the receiver's). */
export const EndpointDisabledDataSchema = z.looseObject({
  endpointId: z.string().check(z.minLength(1)),
  description: z.string(),
  reason: EndpointDisabledReasonSchema,
  disabledAt: z.iso.datetime({ offset: true }),
  /** `failing` only: since when every attempt failed. */
  failingSince: z.optional(z.iso.datetime({ offset: true })),
  /** The HTTP status of the attempt that disabled it, when there was one. */
  httpStatus: z.optional(z.number().check(z.int())),
});
export type EndpointDisabledData = z.infer<typeof EndpointDisabledDataSchema>;

/**
 * `data`: the original spec's event fields (assignment, agent and campaign events always carry assignmentId,
 * campaignId and status; `campaign.policy_changed` campaignId, and assignmentId and status only when it queued a
 * re-plan), the endpoint fields of `endpoint.*` events, plus any event-specific details (kept as they are). Which
 * fields a type requires is checked by WfmEventSchema.
 */
export const WfmEventDataSchema = z.looseObject({
  assignmentId: z.optional(z.string().check(z.minLength(1))),
  campaignId: z.optional(z.string().check(z.minLength(1))),
  status: z.optional(AssignmentStatusSchema),
  latencyMs: z.optional(z.number().check(z.nonnegative())),
  callRateTarget: z.optional(z.number().check(z.positive())),
  /** Per-agent events only. */
  userId: z.optional(z.string().check(z.minLength(1))),
  /** Per-agent events only: per-campaign, monotonic; consumers drop an event older than the last one they saw. */
  sequence: z.optional(z.number().check(z.int(), z.nonnegative())),
});
export type WfmEventData = z.infer<typeof WfmEventDataSchema>;

export const WfmEventSchema = z
  .strictObject({
    specversion: z.literal('1.0'),
    id: WfmEventIdSchema,
    source: z.string().check(z.minLength(1)),
    type: WfmEventTypeSchema,
    subject: z.optional(z.string().check(z.minLength(1))),
    time: z.iso.datetime({ offset: true }),
    datacontenttype: z.literal('application/json'),
    data: WfmEventDataSchema,
  })
  .check(
    z.superRefine((event, ctx) => {
      if (isEndpointEventType(event.type)) {
        const endpoint = EndpointDisabledDataSchema.safeParse(event.data);
        for (const issue of endpoint.error?.issues ?? []) {
          ctx.addIssue({ code: 'custom', path: ['data', ...issue.path], message: issue.message });
        }
        return;
      }
      const required: readonly ('assignmentId' | 'campaignId' | 'status')[] = CAMPAIGN_SUBJECT_TYPES.has(
        event.type,
      )
        ? ['campaignId']
        : ['assignmentId', 'campaignId', 'status'];
      for (const field of required) {
        if (event.data[field] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['data', field],
            message: `${event.type} events carry ${field}`,
          });
        }
      }
      if (isAgentEventType(event.type)) {
        if (event.data.userId === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['data', 'userId'],
            message: 'per-agent events carry userId',
          });
        }
        if (event.data.sequence === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['data', 'sequence'],
            message: 'per-agent events carry sequence',
          });
        }
      }
      const assignmentPrefix = `${EVENT_TYPE_PREFIX}assignment.`;
      if (
        event.type.startsWith(assignmentPrefix) &&
        event.data.status !== event.type.slice(assignmentPrefix.length)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['data', 'status'],
          message: `status does not match type ${event.type}`,
        });
      }
    }),
  );
export type WfmEvent = z.infer<typeof WfmEventSchema>;

export interface BuildWfmEventInput {
  type: WfmEventType;
  source: string;
  subject?: string;
  data: WfmEventData;
  /** Defaults to a random UUID. Fixed from here on: every delivery attempt sends it as `webhook-id`. */
  id?: string;
  time: Date;
}

/** Builds and validates an event (throws a zod error when it would not pass WfmEventSchema). */
export function buildWfmEvent(input: BuildWfmEventInput): WfmEvent {
  return WfmEventSchema.parse({
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    time: input.time.toISOString(),
    datacontenttype: 'application/json',
    data: input.data,
  });
}

interface AssignmentFacts {
  assignmentId: string;
  campaignId: string;
  latencyMs?: number;
  callRateTarget?: number;
  /** Event-specific fields added to `data` (e.g. failedAgents, droppedAgents); the fields above win on a clash. */
  details?: Record<string, unknown>;
  time: Date;
  /** Defaults to a deterministic id (see wfmEventId), so rebuilding the same event after a retry keeps its id. */
  id?: string;
  /** Defaults to `/cxone-assignments/campaigns/<campaignId>`. */
  source?: string;
}

export interface BuildAssignmentEventInput extends AssignmentFacts {
  status: FinalStatus;
}

/** The envelope every builder below shares: default source, deterministic id, data from the facts. */
function buildFactEvent(
  input: AssignmentFacts,
  type: WfmEventType,
  subject: string,
  data: WfmEventData,
  idParts: string[],
): WfmEvent {
  return buildWfmEvent({
    type,
    source: input.source ?? defaultSource(input.campaignId),
    subject,
    data,
    id: input.id ?? wfmEventId(type, input.assignmentId, ...idParts),
    time: input.time,
  });
}

/** `com.cxone-assignments.assignment.<status>`, subject = assignmentId. */
export function buildAssignmentEvent(input: BuildAssignmentEventInput): WfmEvent {
  const data = eventData(input, input.status);
  return buildFactEvent(input, assignmentEventType(input.status), input.assignmentId, data, []);
}

export interface BuildAgentEventInput extends AssignmentFacts {
  change: AgentChange;
  /** Status of the assignment that made the change. */
  status: AssignmentStatus;
  userId: string;
  sequence: number;
}

/** `com.cxone-assignments.agent.<change>`, subject = userId, data carries userId and sequence. */
export function buildAgentEvent(input: BuildAgentEventInput): WfmEvent {
  const data = { ...eventData(input, input.status), userId: input.userId, sequence: input.sequence };
  return buildFactEvent(input, agentEventType(input.change), input.userId, data, [input.userId]);
}

export interface BuildCampaignEventInput extends AssignmentFacts {
  change: AssignmentCampaignChange;
  status: AssignmentStatus;
}

/** `com.cxone-assignments.campaign.<change>`, subject = assignmentId. */
export function buildCampaignEvent(input: BuildCampaignEventInput): WfmEvent {
  const data = eventData(input, input.status);
  return buildFactEvent(input, campaignEventType(input.change), input.assignmentId, data, []);
}

export interface BuildPolicyChangedEventInput {
  campaignId: string;
  /** The version replaced or deleted; absent when the policy was created. */
  previousVersion?: number;
  /** The new version; absent when the policy was deleted. */
  version?: number;
  /** Top-level policy fields whose value changed (all of them on a creation, none on a deletion). */
  changedFields: string[];
  /** The `policy_change` assignment queued to re-plan the campaign, when it has a desired state. */
  assignmentId?: string;
  time: Date;
}

/**
 * `com.cxone-assignments.campaign.policy_changed`, subject = campaignId: a campaign policy was created, replaced or
 * (`deleted: true`) deleted. The id is deterministic in the campaign and both versions.
 */
export function buildPolicyChangedEvent(input: BuildPolicyChangedEventInput): WfmEvent {
  const deleted = input.version === undefined;
  const data: WfmEventData = {
    campaignId: input.campaignId,
    ...(input.previousVersion === undefined ? {} : { previousVersion: input.previousVersion }),
    ...(deleted ? { deleted: true } : { version: input.version }),
    changedFields: input.changedFields,
    ...(input.assignmentId === undefined ? {} : { assignmentId: input.assignmentId, status: 'queued' }),
  };
  return buildWfmEvent({
    type: POLICY_CHANGED_EVENT_TYPE,
    source: defaultSource(input.campaignId),
    subject: input.campaignId,
    data,
    id: wfmEventId(
      POLICY_CHANGED_EVENT_TYPE,
      input.campaignId,
      String(input.previousVersion ?? 0),
      deleted ? 'deleted' : String(input.version),
    ),
    time: input.time,
  });
}

export interface BuildDriftDetectedEventInput {
  campaignId: string;
  /** Each difference of the skill from the plan (lib/domain/drift.ts). */
  differences: unknown[];
  hiddenAgents: number;
  /** The `repair` assignment queued to converge the skill again, when one was. */
  assignmentId?: string;
  /** When the skill was read. */
  checkedAt: Date;
}

/**
 * `com.cxone-assignments.campaign.drift_detected`, subject = campaignId: a drift check found the campaign's skill
 * differing from the plan. `repairQueued` says whether a `repair` was queued (then with its assignmentId and
 * `status: "queued"`; its own final event follows). The id is deterministic in the campaign and the check's time.
 */
export function buildDriftDetectedEvent(input: BuildDriftDetectedEventInput): WfmEvent {
  const checkedAt = input.checkedAt.toISOString();
  const data: WfmEventData = {
    campaignId: input.campaignId,
    differences: input.differences,
    hiddenAgents: input.hiddenAgents,
    repairQueued: input.assignmentId !== undefined,
    ...(input.assignmentId === undefined ? {} : { assignmentId: input.assignmentId, status: 'queued' }),
  };
  return buildWfmEvent({
    type: DRIFT_DETECTED_EVENT_TYPE,
    source: defaultSource(input.campaignId),
    subject: input.campaignId,
    data,
    id: wfmEventId(DRIFT_DETECTED_EVENT_TYPE, input.campaignId, checkedAt),
    time: input.checkedAt,
  });
}

export interface BuildEndpointDisabledEventInput {
  endpointId: string;
  description: string;
  reason: EndpointDisabledReason;
  disabledAt: Date;
  failingSince?: Date;
  httpStatus?: number;
}

/** `com.cxone-assignments.endpoint.disabled`, subject = endpointId; one id per endpoint and disabling. */
export function buildEndpointDisabledEvent(input: BuildEndpointDisabledEventInput): WfmEvent {
  const disabledAt = input.disabledAt.toISOString();
  const data: EndpointDisabledData = {
    endpointId: input.endpointId,
    description: input.description,
    reason: input.reason,
    disabledAt,
    ...(input.failingSince === undefined ? {} : { failingSince: input.failingSince.toISOString() }),
    ...(input.httpStatus === undefined ? {} : { httpStatus: input.httpStatus }),
  };
  return buildWfmEvent({
    type: ENDPOINT_DISABLED_EVENT_TYPE,
    source: '/cxone-assignments/webhooks/endpoints',
    subject: input.endpointId,
    data,
    id: wfmEventId(ENDPOINT_DISABLED_EVENT_TYPE, input.endpointId, disabledAt),
    time: input.disabledAt,
  });
}

/**
 * A deterministic event id: a UUID (version 8, RFC 9562) from the SHA-256 of the parts. The same parts give the same
 * id, so a dispatch that is retried after it already enqueued its events produces duplicates that receivers drop
 * by `webhook-id`.
 */
export function wfmEventId(...parts: string[]): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(['cxone-assignments', ...parts]))
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x80;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The exact JSON sent as webhook body and as queue message body. */
export function serializeWfmEvent(event: WfmEvent): string {
  return JSON.stringify(event);
}

function defaultSource(campaignId: string): string {
  return `/cxone-assignments/campaigns/${encodeURIComponent(campaignId)}`;
}

function eventData(facts: AssignmentFacts, status: AssignmentStatus): WfmEventData {
  return {
    ...facts.details,
    assignmentId: facts.assignmentId,
    campaignId: facts.campaignId,
    status,
    ...(facts.latencyMs === undefined ? {} : { latencyMs: facts.latencyMs }),
    ...(facts.callRateTarget === undefined ? {} : { callRateTarget: facts.callRateTarget }),
  };
}
