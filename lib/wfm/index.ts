// WFM webhooks: CloudEvents envelope, Standard Webhooks signing, endpoint config, URL policy, one delivery attempt,
// the retry schedule.
// No AWS here; functions/deliver-wfm-webhook.ts wires it to SQS and Secrets Manager.

export {
  type AgentEventType,
  type AssignmentEventType,
  agentEventType,
  assignmentEventType,
  type BuildAgentEventInput,
  type BuildAssignmentEventInput,
  type BuildCampaignEventInput,
  type BuildWfmEventInput,
  buildAgentEvent,
  buildAssignmentEvent,
  buildCampaignEvent,
  buildEndpointDisabledEvent,
  buildWfmEvent,
  type CampaignEventType,
  campaignEventType,
  ENDPOINT_DISABLED_EVENT_TYPE,
  type EndpointDisabledData,
  type EndpointDisabledReason,
  isAgentEventType,
  serializeWfmEvent,
  WFM_EVENT_TYPES,
  type WfmEvent,
  type WfmEventData,
  WfmEventDataSchema,
  WfmEventIdSchema,
  WfmEventSchema,
  type WfmEventType,
  WfmEventTypeSchema,
  wfmEventId,
} from './cloudevents.ts';
export {
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  type DeliverWebhookInput,
  type DeliveryOutcome,
  deliverWebhook,
  MAX_WEBHOOK_RETRY_AFTER_MS,
  WEBHOOK_CONTENT_TYPE,
  WEBHOOK_USER_AGENT,
} from './deliver.ts';
export {
  endpointsFor,
  eventTypeMatches,
  type WfmEndpoint,
  WfmEndpointSchema,
  WfmEndpointsEnvSchema,
  WfmEndpointsSchema,
} from './endpoints.ts';
export { type AddressCategory, classifyIpAddress } from './ip-address.ts';
export {
  attemptsOf,
  DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS,
  parseRetrySchedule,
  retryWaitSeconds,
  scheduleSpanSeconds,
} from './retry-schedule.ts';
export {
  InvalidSigningSecretError,
  MIN_SIGNING_KEY_BYTES,
  parseSigningSecret,
  SIGNING_SECRET_PREFIX,
  type SignWebhookInput,
  signingSecretsOf,
  signWebhook,
  type WebhookHeaders,
  type WfmSigningSecret,
  WfmSigningSecretSchema,
} from './signing.ts';
export {
  checkWebhookTarget,
  type HostResolver,
  systemResolver,
  TargetsSettingSchema,
  type WebhookTarget,
  type WebhookTargetPolicy,
  type WebhookTargetRefusal,
  WebhookTargetRefusedError,
  WebhookTargetUnresolvedError,
} from './url-policy.ts';
