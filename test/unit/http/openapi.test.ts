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
    ]) {
      expect(schemas).toHaveProperty(id);
    }
    const refs = JSON.stringify(generated).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const r of refs) {
      const id = r.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(schemas, `dangling ${id}`).toHaveProperty(id);
    }
    expect((schemas.Submission as { additionalProperties: boolean }).additionalProperties).toBe(false);
  });
});
