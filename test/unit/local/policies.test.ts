import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CampaignPoliciesError,
  checkImport,
  prepareCampaignPolicies,
} from '../../../infra/local/policies.ts';

const BASE = resolve(import.meta.dirname, '../../../config/campaign-policies.json');
const LOCAL_CAMPAIGN = '12345678-1234-1234-1234-123456789012';

function policy(campaignId: string, cxoneSkillId: number) {
  return {
    campaignId,
    cxoneSkillId,
    timezone: 'America/Chicago',
    callingHours: { start: '09:00', end: '17:00' },
    allowedAgentTimezones: ['America/Chicago'],
    minWindowOverlapMinutes: 30,
    maxAgents: 10,
    maxConcurrentCallsPerAgent: 1,
    requiredSkills: [],
    callRateTarget: 5,
    capacityThreshold: 0.2,
  };
}

describe('prepareCampaignPolicies', () => {
  let dir: string;
  const write = async (name: string, value: unknown) => {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(value));
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policies-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the seed file as is by default: the local policy and its skill', async () => {
    const local = await prepareCampaignPolicies({ baseFile: BASE });
    expect(local.policies.map((p) => p.campaignId)).toEqual([LOCAL_CAMPAIGN]);
    expect(local.skills).toEqual([{ skillId: 4501234, campaignId: LOCAL_CAMPAIGN }]);
  });

  it('adds the extra policies and seeds one skill per campaign', async () => {
    const extra = await write('extra.json', [policy('camp-2', 7001), policy('camp-3', 7002)]);
    const local = await prepareCampaignPolicies({ baseFile: BASE, extraPoliciesFile: extra });
    expect(local.policies.map((p) => p.campaignId)).toEqual([LOCAL_CAMPAIGN, 'camp-2', 'camp-3']);
    expect(local.skills).toEqual([
      { skillId: 4501234, campaignId: LOCAL_CAMPAIGN },
      { skillId: 7001, campaignId: 'camp-2' },
      { skillId: 7002, campaignId: 'camp-3' },
    ]);
  });

  it('fails the start when the import could not write a policy', () => {
    expect(() => checkImport({ created: ['a'], skipped: [], conflicts: [] })).not.toThrow();
    expect(() =>
      checkImport({ created: [], skipped: [], conflicts: [{ campaignId: 'b', skillId: 7, heldBy: 'a' }] }),
    ).toThrow(/b \(skill 7 held by a\)/);
  });

  it('refuses extra policies that are invalid or collide with the bundled ones', async () => {
    const invalid = await write('invalid.json', [{ ...policy('camp-4', 7004), maxAgents: 0 }]);
    await expect(prepareCampaignPolicies({ baseFile: BASE, extraPoliciesFile: invalid })).rejects.toThrow(
      CampaignPoliciesError,
    );
    const duplicate = await write('duplicate.json', [policy(LOCAL_CAMPAIGN, 7005)]);
    await expect(prepareCampaignPolicies({ baseFile: BASE, extraPoliciesFile: duplicate })).rejects.toThrow(
      /appears more than once/,
    );
    await expect(
      prepareCampaignPolicies({ baseFile: BASE, extraPoliciesFile: join(dir, 'missing.json') }),
    ).rejects.toThrow(/cannot read campaign policies/);
  });
});
