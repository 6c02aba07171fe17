import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyHash, IdempotencyKeySchema } from '../../../lib/app/idempotency.ts';
import { agent, submission } from '../../support/fixtures.ts';

/**
 * The canonical form the service hashed bodies with before RFC 8785 (sorted keys, JSON.stringify for the rest).
 * Claims stored with it must keep matching: for every well-formed body the hashes are the same.
 */
function formerBodyHash(body: unknown): string {
  const canonical = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value && typeof value === 'object') {
      const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
  };
  return createHash('sha256').update(canonical(body)).digest('base64url');
}

describe('bodyHash', () => {
  it('keeps the hashes of stored claims: a submission hashes as before', () => {
    const body = {
      callRateTarget: 8.5,
      agents: [agent('agent-uuid-001', { skills: ['sales', 'preview-qualified'], recentCallRate: 4.2 })],
    };
    expect(bodyHash(body)).toBe('hdjf0beUvJdrJ4F9Rqpmc_7vj4lFj17gtko4tCyphIU');
    expect(bodyHash(null)).toBe('dCNOmK_nSY-12vHzasLXiswzlGT5UHA7jAGYkvmCuQs');
    expect(bodyHash({})).toBe('RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o');
  });

  it('hashes every well-formed JSON body as before', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), (body) => {
        expect(bodyHash(body)).toBe(formerBodyHash(body));
      }),
      { numRuns: 300 },
    );
  });

  it('hashes numbers, escapes, non-ASCII keys and a `__proto__` key as before', () => {
    const body = JSON.parse(
      '{"n":[0,-0,1e21,1e-7,123456789012345680000,0.1,-1.5,true,false,null],"é":"ü","a\\u0000b":"\\u2028\\u001f",' +
        '"€":1,"😀":["🚀"],"\\ufb33":2,"__proto__":{"z":1,"a":2}}',
    );
    expect(bodyHash(body)).toBe(formerBodyHash(body));
  });

  it('is the same for the same JSON with other key order and spacing, and differs for another body', () => {
    const body = submission(2);
    const reordered = JSON.parse(
      JSON.stringify({ callRateTarget: body.callRateTarget, agents: body.agents }, null, 2),
    );
    expect(bodyHash(reordered)).toBe(bodyHash(body));
    expect(bodyHash(submission(3))).not.toBe(bodyHash(body));
  });

  it('hashes a body with a lone surrogate (which RFC 8785 refuses) instead of failing', () => {
    const body = JSON.parse('{"agents":[{"skills":["\\ud800"]}]}');
    expect(bodyHash(body)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(bodyHash(body)).toBe(bodyHash(JSON.parse('{"agents":[{"skills":["\\ud800"]}]}')));
    expect(bodyHash(body)).not.toBe(bodyHash({ agents: [{ skills: [] }] }));
  });
});

describe('IdempotencyKeySchema', () => {
  it.each(['k', 'req-42', '!~', 'k'.repeat(255)])('accepts %s', (key) => {
    expect(IdempotencyKeySchema.safeParse(key).success).toBe(true);
  });

  it.each(['', 'key with space', 'k'.repeat(256), 'clé', 'tab\there'])('refuses %j', (key) => {
    expect(IdempotencyKeySchema.safeParse(key).success).toBe(false);
  });
});
