import * as z from 'zod';
import '../app/api-schemas.ts';
import { IdempotencyKeySchema } from '../app/idempotency.ts';
import '../domain/schemas.ts';
import { webhookPaths } from './openapi-webhooks.ts';
import './problem-schema.ts';

// The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas (their `.meta({ id })` names the
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

/** A schema without an id, written out where it is used. */
function inlineSchema(schema: z.ZodType): Record<string, unknown> {
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
    security: [{ sigv4: [] }],
    paths: {
      '/campaigns/{campaignId}/agents': {
        put: {
          operationId: 'putCampaignAgents',
          summary: 'Replace the desired agent set of a campaign (PUT semantics)',
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
          parameters: [campaignId],
          responses: {
            '200': { description: 'The campaign’s agents', content: jsonContent('CampaignAgents') },
            '401': problem('Missing or bad credentials'),
            '404': problem('Unknown campaign or no desired state yet'),
            '500': problem('Internal error'),
          },
        },
      },
      '/assignments/{assignmentId}': {
        get: {
          operationId: 'getAssignment',
          summary: 'Status of one assignment',
          parameters: [{ name: 'assignmentId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The assignment', content: jsonContent('Assignment') },
            '401': problem('Missing or bad credentials'),
            '404': problem('Unknown assignment'),
            '500': problem('Internal error'),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'getHealth',
          summary: 'Readiness of the table and the dispatch queue',
          responses: {
            '200': { description: 'Ready', content: jsonContent('Health') },
            '401': problem('Missing or bad credentials'),
            '503': { description: 'Not ready', content: jsonContent('Health') },
          },
        },
      },
      ...webhookPaths,
    },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS SigV4 (IAM auth, the default); a JWT bearer token when the JWT authorizer is chosen.',
        },
      },
      schemas: componentSchemas(),
    },
  };
}
