// The webhook-endpoint routes of the OpenAPI document (openapi.ts adds them to its paths). Their payloads are the
// zod schemas of lib/app/webhook-model.ts, registered by importing it.
import '../app/webhook-model.ts';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const jsonContent = (id: string) => ({ 'application/json': { schema: ref(id) } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('ProblemDetails') } },
});

const SCOPE = 'Needs the `webhooks:admin` scope when the JWT authorizer is chosen.';
const endpointId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', maxLength: 128 },
  example: 'ep_0193c2a1f0b24c7d9e8f1a2b',
};
/** `?limit=&cursor=` of every list (lib/app/paging.ts). */
export const page = [
  {
    name: 'limit',
    in: 'query',
    required: false,
    schema: { type: 'string', pattern: '^(100|[1-9][0-9]?)$' },
    description: 'Items per page, 1–100 (default 50).',
  },
  {
    name: 'cursor',
    in: 'query',
    required: false,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,2048}$' },
    description: 'The nextCursor of the previous page.',
  },
];
const common = {
  '401': problem('Missing or bad credentials'),
  '403': problem('Credentials without the webhooks:admin scope'),
  '500': problem('Internal error; safe to retry'),
};
const withBody = {
  '400': problem('Malformed JSON'),
  '413': problem('Body over the limit'),
  '415': problem('Body not declared as JSON'),
};

export const webhookPaths = {
  '/webhooks/endpoints': {
    get: {
      operationId: 'listWebhookEndpoints',
      summary: 'The API-created webhook endpoints, oldest first (never their secrets)',
      description: SCOPE,
      parameters: page,
      responses: {
        '200': { description: 'A page of endpoints', content: jsonContent('WebhookEndpointList') },
        '400': problem('A malformed limit or cursor'),
        '422': problem('A cursor this list did not give out'),
        ...common,
      },
    },
    post: {
      operationId: 'createWebhookEndpoint',
      summary: 'Create an endpoint; the answer holds its signing secret, shown only this once',
      description: `${SCOPE} The URL must pass the webhook URL policy (https, a public address, no credentials).`,
      requestBody: { required: true, content: jsonContent('WebhookEndpointCreate') },
      responses: {
        '201': {
          description: 'Created',
          headers: { Location: { schema: { type: 'string' }, description: '/webhooks/endpoints/{id}' } },
          content: jsonContent('WebhookEndpointCreated'),
          links: Object.fromEntries(
            [
              'getWebhookEndpoint',
              'updateWebhookEndpoint',
              'deleteWebhookEndpoint',
              'rotateWebhookEndpointSecret',
              'listWebhookDeliveries',
              'replayWebhookEvents',
            ].map((operationId) => [operationId, { operationId, parameters: { id: '$response.body#/id' } }]),
          ),
        },
        ...withBody,
        '422': problem('Invalid fields or a URL the policy refuses (every error listed)'),
        ...common,
      },
    },
  },
  '/webhooks/endpoints/{id}': {
    get: {
      operationId: 'getWebhookEndpoint',
      summary: 'One endpoint (never its secret)',
      description: SCOPE,
      parameters: [endpointId],
      responses: {
        '200': { description: 'The endpoint', content: jsonContent('WebhookEndpoint') },
        '404': problem('Unknown endpoint'),
        ...common,
      },
    },
    patch: {
      operationId: 'updateWebhookEndpoint',
      summary:
        'Change the URL, description, event types or enabled; enabling it again restarts the failure clock',
      description: SCOPE,
      parameters: [endpointId],
      requestBody: { required: true, content: jsonContent('WebhookEndpointPatch') },
      responses: {
        '200': { description: 'The endpoint after the change', content: jsonContent('WebhookEndpoint') },
        ...withBody,
        '404': problem('Unknown endpoint'),
        '422': problem('Invalid fields or a URL the policy refuses (every error listed)'),
        ...common,
      },
    },
    delete: {
      operationId: 'deleteWebhookEndpoint',
      summary: 'Delete an endpoint; deliveries still queued for it are dropped',
      description: SCOPE,
      parameters: [endpointId],
      responses: { '204': { description: 'Deleted' }, '404': problem('Unknown endpoint'), ...common },
    },
  },
  '/webhooks/endpoints/{id}/rotate-secret': {
    post: {
      operationId: 'rotateWebhookEndpointSecret',
      summary: 'A new signing secret; until the grace period ends every webhook carries both signatures',
      description: `${SCOPE} The body is optional (default grace period: 86,400 s).`,
      parameters: [endpointId],
      requestBody: { required: false, content: jsonContent('WebhookSecretRotation') },
      responses: {
        '200': {
          description: 'The new secret, shown only this once',
          content: jsonContent('WebhookSecretRotated'),
        },
        ...withBody,
        '404': problem('Unknown endpoint'),
        '422': problem('A grace period out of range'),
        ...common,
      },
    },
  },
  '/webhooks/endpoints/{id}/deliveries': {
    get: {
      operationId: 'listWebhookDeliveries',
      summary: 'Every delivery attempt to the endpoint, newest first (kept for the retention period)',
      description: SCOPE,
      parameters: [endpointId, ...page],
      responses: {
        '200': { description: 'A page of attempts', content: jsonContent('WebhookDeliveryAttemptList') },
        '400': problem('A malformed limit or cursor'),
        '422': problem('A cursor this list did not give out'),
        '404': problem('Unknown endpoint'),
        ...common,
      },
    },
  },
  '/webhooks/endpoints/{id}/replay': {
    post: {
      operationId: 'replayWebhookEvents',
      summary:
        'Send the stored events of [since, until) that the endpoint subscribes to again, same webhook-id',
      description: `${SCOPE} The endpoint must be enabled; at most 10,000 events per replay.`,
      parameters: [endpointId],
      requestBody: { required: true, content: jsonContent('WebhookReplay') },
      responses: {
        '202': { description: 'Queued for delivery', content: jsonContent('WebhookReplayAccepted') },
        ...withBody,
        '404': problem('Unknown endpoint'),
        '422': problem('A bad window, one older than the retention, too many events, or a disabled endpoint'),
        ...common,
      },
    },
  },
};
