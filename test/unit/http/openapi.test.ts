import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../lib/http/openapi.ts';

describe('OpenAPI document', () => {
  const committed = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));
  const generated = JSON.parse(JSON.stringify(buildOpenApiDocument()));

  it('is up to date with the zod schemas (run `npm run openapi` after changing them)', () => {
    expect(committed).toEqual(generated);
  });

  it('describes the public request and response payloads with every $ref resolvable', () => {
    const schemas = generated.components.schemas as Record<string, unknown>;
    for (const id of [
      'Submission',
      'Agent',
      'AvailabilityWindow',
      'ProblemDetails',
      'Accepted',
      'Assignment',
      'Campaign',
      'CampaignList',
      'CampaignPolicyInput',
      'CampaignPolicyVersionList',
    ]) {
      expect(schemas).toHaveProperty(id);
    }
    const refs = JSON.stringify(generated).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const r of refs) {
      const id = r.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(schemas, `dangling ${id}`).toHaveProperty(id);
    }
    expect((schemas.Submission as { additionalProperties: boolean }).additionalProperties).toBe(false);
    expect((schemas.CampaignPolicyInput as { additionalProperties: boolean }).additionalProperties).toBe(
      false,
    );
    expect((schemas.CampaignPolicyInput as { required: string[] }).required).not.toContain('campaignId');
  });

  it('documents the campaign policy routes with their ETag, preconditions and statuses', () => {
    const campaign = generated.paths['/campaigns/{campaignId}'];
    expect(Object.keys(generated.paths)).toEqual(
      expect.arrayContaining(['/campaigns', '/campaigns/{campaignId}', '/campaigns/{campaignId}/versions']),
    );
    expect(campaign.get.responses['200'].headers.ETag.required).toBe(true);
    expect(campaign.put.parameters.map((p: { name: string }) => p.name)).toEqual([
      'campaignId',
      'If-Match',
      'If-None-Match',
      'force',
    ]);
    expect(Object.keys(campaign.put.responses)).toEqual(
      expect.arrayContaining(['200', '201', '403', '409', '412', '422', '428', '503']),
    );
    expect(Object.keys(campaign.delete.responses)).toEqual(
      expect.arrayContaining(['204', '404', '412', '428']),
    );
  });

  it('names the JWT scope of every operation and answers 403 where one is needed', () => {
    interface Operation {
      security: Record<string, string[]>[];
      responses: Record<string, unknown>;
    }
    const scopes: Record<string, string[]> = {};
    for (const [path, item] of Object.entries(generated.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const jwt = operation.security.find((s) => 'jwt' in s)?.jwt ?? [];
        scopes[`${method.toUpperCase()} ${path}`] = jwt;
        if (jwt.length > 0) expect(operation.responses, `${method} ${path}`).toHaveProperty('403');
      }
    }
    expect(scopes).toEqual({
      'PUT /campaigns/{campaignId}/agents': ['assignments:write'],
      'GET /campaigns/{campaignId}/agents': ['assignments:read'],
      'GET /campaigns/{campaignId}/drift': ['assignments:read'],
      'GET /assignments/{assignmentId}': ['assignments:read'],
      'GET /campaigns': ['campaigns:admin'],
      'GET /campaigns/{campaignId}': ['campaigns:admin'],
      'PUT /campaigns/{campaignId}': ['campaigns:admin'],
      'DELETE /campaigns/{campaignId}': ['campaigns:admin'],
      'GET /campaigns/{campaignId}/versions': ['campaigns:admin'],
      'GET /health': [],
      'GET /webhooks/endpoints': ['webhooks:admin'],
      'POST /webhooks/endpoints': ['webhooks:admin'],
      'GET /webhooks/endpoints/{id}': ['webhooks:admin'],
      'PATCH /webhooks/endpoints/{id}': ['webhooks:admin'],
      'DELETE /webhooks/endpoints/{id}': ['webhooks:admin'],
      'POST /webhooks/endpoints/{id}/rotate-secret': ['webhooks:admin'],
      'GET /webhooks/endpoints/{id}/deliveries': ['webhooks:admin'],
      'POST /webhooks/endpoints/{id}/replay': ['webhooks:admin'],
    });
  });
});
