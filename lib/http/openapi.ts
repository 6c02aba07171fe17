import * as z from '../domain/zod.ts';
import '../app/api-schemas.ts';
import '../app/drift-model.ts';
import { IdempotencyKeySchema } from '../app/idempotency.ts';
import '../app/policy-schemas.ts';
import '../domain/schemas.ts';
import { page, webhookPaths } from './openapi-webhooks.ts';
import './problem-schema.ts';
import type { ApiScope } from './scopes.ts';

// The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas (the `id` each is registered with names the
// components). `npm run openapi` writes docs/openapi.json; a test fails when the committed file is out of date.

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const jsonContent = (id: string) => ({ 'application/json': { schema: ref(id) } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('ProblemDetails') } },
});

const campaignId = {
  name: 'campaignId',
  in: 'path',
  required: true,
  schema: ref('Id'),
  example: '12345678-1234-1234-1234-123456789012',
};

/** IAM (SigV4) by default; with the JWT authorizer, a bearer token holding the route's scope. */
const securedBy = (scope?: ApiScope) => [{ sigv4: [] }, { jwt: scope ? [scope] : [] }];
const forbidden = problem('The token lacks the scope of this route (JWT), or IAM denies the route');

/** Operations that all need `scope`: each gets its security requirement and the 403 that goes with it. */
function scoped(
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>,
  scope: ApiScope,
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => [
          method,
          {
            ...operation,
            security: securedBy(scope),
            responses: { ...operation.responses, '403': forbidden },
          },
        ]),
      ),
    ]),
  );
}

const ETAG_PATTERN = '^"[1-9][0-9]*"$';
const etagHeader = {
  ETag: {
    required: true,
    schema: { type: 'string', pattern: ETAG_PATTERN },
    description:
      'The version of the policy, quoted: send it back in If-Match to replace or delete this version.',
  },
};
const ifMatch = (what: string) => ({
  name: 'If-Match',
  in: 'header',
  required: false,
  schema: { type: 'string' },
  description: `The ETag of the version to ${what} (or \`*\`); required when the campaign has a policy.`,
  example: '"1"',
});
const pageParameters = page;

/** A schema without an id, written out where it is used. */
function inlineSchema(schema: z.ZodMiniType): Record<string, unknown> {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return rest;
}

function componentSchemas(): Record<string, unknown> {
  const generated = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(generated.schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, schema]) => {
        const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
        return [id, rest];
      }),
  );
}

export function buildOpenApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'cxone-assignments',
      version: '1.0.0',
      description:
        'Declare the desired agents of a NICE CXone preview-dialer campaign; the service validates them, queues the ' +
        'change, applies it to CXone and tells WFM tools by signed webhook. Errors are RFC 9457 problem details.',
    },
    security: securedBy(),
    paths: {
      '/campaigns/{campaignId}/agents': {
        put: {
          operationId: 'putCampaignAgents',
          summary: 'Replace the desired agent set of a campaign (PUT semantics)',
          security: securedBy('assignments:write'),
          parameters: [
            campaignId,
            {
              name: 'dryRun',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['true', 'false', '1', '0'] },
              description: 'When true, answer the plan for now; nothing is stored or queued.',
            },
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: inlineSchema(IdempotencyKeySchema),
              description: 'The same key and body again answers 200 with the same assignment.',
            },
          ],
          requestBody: { required: true, content: jsonContent('Submission') },
          responses: {
            '200': {
              description: 'Dry-run plan, or a replay of an earlier request with the same Idempotency-Key',
              content: { 'application/json': { schema: { oneOf: [ref('Plan'), ref('Accepted')] } } },
            },
            '202': {
              description: 'Accepted and queued',
              headers: {
                Location: { schema: { type: 'string' }, description: '/assignments/{assignmentId}' },
              },
              content: jsonContent('Accepted'),
            },
            '400': problem('Malformed JSON or a bad parameter'),
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '404': problem('Unknown campaign'),
            '409': problem('The same Idempotency-Key is still in flight'),
            '413': problem('Body over the limit (256 KiB by default)'),
            '415': problem('Body not declared as JSON'),
            '422': problem('Validation failed, or the Idempotency-Key was used with another body'),
            '500': problem('Internal error; safe to retry'),
          },
        },
        get: {
          operationId: 'getCampaignAgents',
          summary: 'The desired state and what was last applied to CXone',
          security: securedBy('assignments:read'),
          parameters: [campaignId],
          responses: {
            '200': { description: 'The campaign’s agents', content: jsonContent('CampaignAgents') },
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '404': problem('Unknown campaign or no desired state yet'),
            '500': problem('Internal error'),
          },
        },
      },
      '/campaigns/{campaignId}/drift': {
        get: {
          operationId: 'getCampaignDrift',
          summary: 'The campaign’s CXone skill compared with the plan for now, read live; nothing is written',
          security: securedBy('assignments:read'),
          parameters: [campaignId],
          responses: {
            '200': { description: 'The differences found', content: jsonContent('DriftReport') },
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '404': problem('Unknown campaign or no desired state yet'),
            '500': problem('Internal error'),
            '502': problem('CXone refused the read (credentials)'),
            '503': problem('CXone could not be read now; retry (Retry-After)'),
          },
        },
      },
      '/assignments/{assignmentId}': {
        get: {
          operationId: 'getAssignment',
          summary: 'Status of one assignment',
          security: securedBy('assignments:read'),
          parameters: [{ name: 'assignmentId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The assignment', content: jsonContent('Assignment') },
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '404': problem('Unknown assignment'),
            '500': problem('Internal error'),
          },
        },
      },
      '/campaigns': {
        get: {
          operationId: 'listCampaigns',
          summary: 'Every campaign’s current policy, by campaignId',
          security: securedBy('campaigns:admin'),
          parameters: pageParameters,
          responses: {
            '200': { description: 'A page of campaigns', content: jsonContent('CampaignList') },
            '400': problem('A malformed limit or cursor'),
            '422': problem('A cursor this list did not give out'),
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '500': problem('Internal error'),
          },
        },
      },
      '/campaigns/{campaignId}': {
        get: {
          operationId: 'getCampaign',
          summary: 'A campaign’s current policy, its version and ETag',
          security: securedBy('campaigns:admin'),
          parameters: [campaignId],
          responses: {
            '200': { description: 'The policy', headers: etagHeader, content: jsonContent('Campaign') },
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '404': problem('Unknown campaign'),
            '500': problem('Internal error'),
          },
        },
        put: {
          operationId: 'putCampaign',
          summary: 'Create or replace a campaign’s policy (optimistic concurrency on the ETag)',
          description:
            'The skill is checked on CXone (known, outbound, Personal Connection) when it is new to the campaign, ' +
            'and the campaign’s current desired state against the new policy. A stored change re-plans the ' +
            'campaign at once (an assignment of kind policy_change) and sends campaign.policy_changed.',
          security: securedBy('campaigns:admin'),
          parameters: [
            campaignId,
            ifMatch('replace'),
            {
              name: 'If-None-Match',
              in: 'header',
              required: false,
              schema: { type: 'string' },
              description: '`*`: create only; 412 when the campaign already has a policy.',
              example: '*',
            },
            {
              name: 'force',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['true', 'false', '1', '0'] },
              description:
                'Accept a policy the current desired state breaks: the offending agents are planned inactive ' +
                '(reason policy_violation).',
            },
          ],
          requestBody: { required: true, content: jsonContent('CampaignPolicyInput') },
          responses: {
            '200': {
              description: 'Replaced (or unchanged: the same policy again)',
              headers: etagHeader,
              content: jsonContent('Campaign'),
            },
            '201': {
              description: 'Created',
              headers: {
                ...etagHeader,
                Location: {
                  required: true,
                  schema: { type: 'string' },
                  description: '/campaigns/{campaignId}',
                },
              },
              content: jsonContent('Campaign'),
            },
            '400': problem('Malformed JSON or a bad parameter'),
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '409': problem('The CXone skill belongs to another campaign'),
            '412': problem('If-Match is not the current ETag, or If-None-Match: * and the campaign exists'),
            '413': problem('Body over the limit (256 KiB by default)'),
            '415': problem('Body not declared as JSON'),
            '422': problem(
              'Validation failed: the policy, the skill on CXone (cxoneSkillId), or the current desired state ' +
                '(desired.…) under the new policy',
            ),
            '428': problem('Replacing an existing policy without If-Match'),
            '500': problem('Internal error'),
            '502': problem('CXone refused the skill lookup (the service’s CXone credentials)'),
            '503': {
              ...problem('CXone could not be asked about the skill now; nothing was stored'),
              headers: { 'Retry-After': { schema: { type: 'string' }, description: 'Seconds.' } },
            },
          },
        },
        delete: {
          operationId: 'deleteCampaign',
          summary: 'Stop managing a campaign (CXone is left as it is; submissions then get 404)',
          security: securedBy('campaigns:admin'),
          parameters: [campaignId, ifMatch('delete')],
          responses: {
            '204': { description: 'Deleted' },
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '404': problem('Unknown campaign'),
            '412': problem('If-Match is not the current ETag'),
            '428': problem('No If-Match'),
            '500': problem('Internal error'),
          },
        },
      },
      '/campaigns/{campaignId}/versions': {
        get: {
          operationId: 'listCampaignVersions',
          summary: 'Every version of a campaign’s policy, newest first',
          security: securedBy('campaigns:admin'),
          parameters: [campaignId, ...pageParameters],
          responses: {
            '200': { description: 'A page of versions', content: jsonContent('CampaignPolicyVersionList') },
            '400': problem('A malformed limit or cursor'),
            '422': problem('A cursor this list did not give out'),
            '401': problem('Missing or bad credentials'),
            '403': forbidden,
            '404': problem('Unknown campaign'),
            '500': problem('Internal error'),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'getHealth',
          summary: 'Readiness of the table and the dispatch queue',
          security: securedBy(),
          responses: {
            '200': { description: 'Ready', content: jsonContent('Health') },
            '401': problem('Missing or bad credentials'),
            '503': { description: 'Not ready', content: jsonContent('Health') },
          },
        },
      },
      ...scoped(webhookPaths, 'webhooks:admin'),
    },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS SigV4 (IAM auth, the default): a principal allowed execute-api:Invoke on the route’s ARN.',
        },
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'With the JWT authorizer: a bearer token whose scope claim holds the scope the operation lists ' +
            '(assignments:write, assignments:read, campaigns:admin; prefixed as deployed).',
        },
      },
      schemas: componentSchemas(),
    },
  };
}
