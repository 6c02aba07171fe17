import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toValidationIssues } from '../../../lib/domain/issues.ts';
import {
  AgentSchema,
  AvailabilityWindowSchema,
  CampaignPoliciesSchema,
  CampaignPolicySchema,
  SubmissionSchema,
  TimeOfDaySchema,
  TimeZoneSchema,
} from '../../../lib/domain/schemas.ts';
import * as z from '../../../lib/domain/zod.ts';
import { agent, POLICY } from '../../support/fixtures.ts';

function errorsOf(schema: z.ZodMiniType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : toValidationIssues(result.error.issues).map(({ path, code }) => ({ path, code }));
}

describe('TimeOfDaySchema', () => {
  it.each(['00:00', '09:05', '12:30', '23:59'])('accepts %s', (value) => {
    expect(TimeOfDaySchema.safeParse(value).success).toBe(true);
  });

  it.each(['24:00', '9:00', '09:5', '09:60', '09:00:00', '0900', '', ' 09:00', 9])('rejects %j', (value) => {
    expect(TimeOfDaySchema.safeParse(value).success).toBe(false);
  });
});

describe('TimeZoneSchema', () => {
  it.each(['America/New_York', 'Europe/London', 'UTC', 'Etc/UTC', 'Asia/Kolkata'])('accepts %s', (zone) => {
    expect(TimeZoneSchema.safeParse(zone).success).toBe(true);
  });

  it.each(['America/New_Yrok', 'Mars/Olympus', 'america/new_york', '+05:00', ''])(
    'rejects %j as invalid_timezone',
    (zone) => {
      expect(errorsOf(TimeZoneSchema, zone)).toEqual([{ path: '', code: 'invalid_timezone' }]);
    },
  );
});

describe('AvailabilityWindowSchema', () => {
  it('accepts a day window and an overnight window', () => {
    expect(
      AvailabilityWindowSchema.safeParse({ start: '09:00', end: '17:00', timezone: 'UTC' }).success,
    ).toBe(true);
    expect(
      AvailabilityWindowSchema.safeParse({ start: '22:00', end: '06:00', timezone: 'UTC' }).success,
    ).toBe(true);
  });

  it('rejects start == end on the end', () => {
    expect(errorsOf(AvailabilityWindowSchema, { start: '09:00', end: '09:00', timezone: 'UTC' })).toEqual([
      { path: 'end', code: 'empty_window' },
    ]);
  });

  it('rejects unknown keys and missing fields', () => {
    expect(errorsOf(AvailabilityWindowSchema, { start: '09:00', end: '17:00', tz: 'UTC' })).toEqual([
      { path: 'timezone', code: 'invalid_type' },
      { path: 'tz', code: 'unrecognized_keys' },
    ]);
  });
});

describe('AgentSchema', () => {
  it('accepts the design example', () => {
    expect(AgentSchema.safeParse(agent('agent-uuid-001', { recentCallRate: 4.2 })).success).toBe(true);
  });

  it('accepts userIds of the allowed characters up to 128 long', () => {
    expect(AgentSchema.safeParse(agent('a.B_9:x@y-z')).success).toBe(true);
    expect(AgentSchema.safeParse(agent('u'.repeat(128))).success).toBe(true);
  });

  it.each(['', 'u'.repeat(129), 'has space', 'slash/id', 'ümlaut', 'semi;colon'])(
    'rejects userId %j',
    (userId) => {
      expect(errorsOf(AgentSchema, agent(userId))).toEqual([{ path: 'userId', code: 'invalid_format' }]);
    },
  );

  it('rejects empty skills and reports a duplicate skill at its index', () => {
    expect(errorsOf(AgentSchema, agent('a', { skills: [] }))).toEqual([
      { path: 'skills', code: 'too_small' },
    ]);
    expect(errorsOf(AgentSchema, agent('a', { skills: ['x', 'y', 'x'] }))).toEqual([
      { path: 'skills[2]', code: 'duplicate_item' },
    ]);
    expect(errorsOf(AgentSchema, agent('a', { skills: ['x', ''] }))).toEqual([
      { path: 'skills[1]', code: 'too_small' },
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN, '1', null])('rejects maxConcurrentCalls %j', (value) => {
    const errors = errorsOf(AgentSchema, { ...agent('a'), maxConcurrentCalls: value });
    expect(errors.map((error) => error.path)).toEqual(['maxConcurrentCalls']);
  });

  it('accepts recentCallRate 0 or missing and rejects negative or infinite rates', () => {
    expect(AgentSchema.safeParse(agent('a', { recentCallRate: 0 })).success).toBe(true);
    const { recentCallRate: _omitted, ...withoutRate } = agent('a');
    expect(AgentSchema.safeParse(withoutRate).success).toBe(true);
    expect(errorsOf(AgentSchema, agent('a', { recentCallRate: -0.1 }))).toEqual([
      { path: 'recentCallRate', code: 'too_small' },
    ]);
    expect(errorsOf(AgentSchema, agent('a', { recentCallRate: Number.POSITIVE_INFINITY }))).toEqual([
      { path: 'recentCallRate', code: 'invalid_type' },
    ]);
  });

  it('rejects unknown keys with their path', () => {
    expect(errorsOf(AgentSchema, { ...agent('a'), priority: 1 })).toEqual([
      { path: 'priority', code: 'unrecognized_keys' },
    ]);
  });
});

describe('SubmissionSchema', () => {
  it('accepts the design example with and without optional fields', () => {
    expect(SubmissionSchema.safeParse({ agents: [agent('a')], callRateTarget: 8.5 }).success).toBe(true);
    expect(SubmissionSchema.safeParse({ campaignId: 'c-1', agents: [agent('a')] }).success).toBe(true);
  });

  it('requires at least one agent', () => {
    expect(errorsOf(SubmissionSchema, { agents: [] })).toEqual([{ path: 'agents', code: 'too_small' }]);
    expect(errorsOf(SubmissionSchema, {})).toEqual([{ path: 'agents', code: 'invalid_type' }]);
  });

  it.each([0, -1, Number.POSITIVE_INFINITY, '8.5'])('rejects callRateTarget %j', (value) => {
    expect(
      errorsOf(SubmissionSchema, { agents: [agent('a')], callRateTarget: value }).map((e) => e.path),
    ).toEqual(['callRateTarget']);
  });

  it('rejects non-object bodies at the root', () => {
    expect(errorsOf(SubmissionSchema, [])).toEqual([{ path: '', code: 'invalid_type' }]);
    expect(errorsOf(SubmissionSchema, null)).toEqual([{ path: '', code: 'invalid_type' }]);
  });

  it('rejects unknown keys at every level, each with its path', () => {
    const body = {
      agents: [
        { ...agent('a'), extra: true, availabilityWindow: { ...agent('a').availabilityWindow, note: 'x' } },
      ],
      dryRun: true,
    };
    expect(errorsOf(SubmissionSchema, body)).toEqual([
      { path: 'agents[0].availabilityWindow.note', code: 'unrecognized_keys' },
      { path: 'agents[0].extra', code: 'unrecognized_keys' },
      { path: 'dryRun', code: 'unrecognized_keys' },
    ]);
  });

  it('rejects a JSON __proto__ key as unknown and does not pollute prototypes', () => {
    const body = JSON.parse(
      `{"agents":[${JSON.stringify(agent('a'))}],"__proto__":{"polluted":true,"callRateTarget":-1}}`,
    ) as unknown;
    expect(errorsOf(SubmissionSchema, body)).toEqual([{ path: '__proto__', code: 'unrecognized_keys' }]);
    const clean = JSON.parse(`{"agents":[${JSON.stringify(agent('a'))}]}`) as unknown;
    const parsed = SubmissionSchema.parse(clean) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});

describe('CampaignPolicySchema', () => {
  it('accepts the local default policy of the design', () => {
    expect(CampaignPolicySchema.safeParse(POLICY).success).toBe(true);
  });

  it.each([
    ['callingHours', { start: '08:00', end: '08:00' }, 'callingHours.end', 'empty_window'],
    [
      'allowedAgentTimezones',
      ['America/New_York', 'Mars/Olympus'],
      'allowedAgentTimezones[1]',
      'invalid_timezone',
    ],
    ['allowedAgentTimezones', [], 'allowedAgentTimezones', 'too_small'],
    ['allowedAgentTimezones', ['UTC', 'UTC'], 'allowedAgentTimezones[1]', 'duplicate_item'],
    ['timezone', 'America/New_Yrok', 'timezone', 'invalid_timezone'],
    ['maxAgents', 0, 'maxAgents', 'too_small'],
    ['maxConcurrentCallsPerAgent', 0, 'maxConcurrentCallsPerAgent', 'too_small'],
    ['capacityThreshold', 1.5, 'capacityThreshold', 'too_big'],
    ['capacityThreshold', -0.1, 'capacityThreshold', 'too_small'],
    ['callRateTarget', 0, 'callRateTarget', 'too_small'],
    ['minWindowOverlapMinutes', -1, 'minWindowOverlapMinutes', 'too_small'],
    ['cxoneSkillId', 1.5, 'cxoneSkillId', 'invalid_type'],
    ['requiredSkills', ['a', 'a'], 'requiredSkills[1]', 'duplicate_item'],
  ])('rejects %s = %j at %s with %s', (field, value, path, code) => {
    expect(errorsOf(CampaignPolicySchema, { ...POLICY, [field]: value })).toEqual([{ path, code }]);
  });

  it('rejects unknown and missing fields', () => {
    const { maxAgents: _omitted, ...withoutMaxAgents } = POLICY;
    expect(errorsOf(CampaignPolicySchema, { ...withoutMaxAgents, region: 'us' })).toEqual([
      { path: 'maxAgents', code: 'invalid_type' },
      { path: 'region', code: 'unrecognized_keys' },
    ]);
  });
});

describe('CampaignPoliciesSchema', () => {
  it('accepts the bundled config/campaign-policies.json, whose policy is the tests’ default', () => {
    const bundled = JSON.parse(
      readFileSync(new URL('../../../config/campaign-policies.json', import.meta.url), 'utf8'),
    );
    expect(CampaignPoliciesSchema.parse(bundled)).toEqual([POLICY]);
  });

  it('accepts distinct policies', () => {
    const other = { ...POLICY, campaignId: 'other', cxoneSkillId: 42 };
    expect(CampaignPoliciesSchema.safeParse([POLICY, other]).success).toBe(true);
  });

  it('rejects a repeated campaignId and a repeated cxoneSkillId at the repeat', () => {
    const sameCampaign = { ...POLICY, cxoneSkillId: 42 };
    const sameSkill = { ...POLICY, campaignId: 'other' };
    expect(errorsOf(CampaignPoliciesSchema, [POLICY, sameCampaign, sameSkill])).toEqual([
      { path: '[1].campaignId', code: 'duplicate_campaign_id' },
      { path: '[2].cxoneSkillId', code: 'duplicate_skill_id' },
    ]);
  });
});

describe('JSON Schema generation', () => {
  it('turns the public schemas into JSON Schema with ids, strict objects and examples', () => {
    const schema = z.toJSONSchema(SubmissionSchema) as {
      $defs: Record<string, { additionalProperties?: boolean; examples?: unknown[] }>;
    };
    expect(schema.$defs.Submission?.additionalProperties).toBe(false);
    expect(schema.$defs.Agent?.additionalProperties).toBe(false);
    expect(schema.$defs.AvailabilityWindow?.additionalProperties).toBe(false);
    expect(schema.$defs.Submission?.examples).toHaveLength(1);
    expect(() => z.toJSONSchema(CampaignPoliciesSchema)).not.toThrow();
  });
});
