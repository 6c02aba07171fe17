// The bench's naive client must behave like the original Go sketch, or the goodput comparison means nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNaiveClient, type NaiveAgent, NaiveDispatchError } from '../../../bench/naive-client.ts';
import {
  type CxoneSandbox,
  SANDBOX_CREDENTIALS,
  startCxoneSandbox,
} from '../../../infra/local/cxone-sandbox/server.ts';

const CAMPAIGN_ID = '12345678-1234-1234-1234-123456789012';
const SKILL_ID = '4501234';

interface Logged {
  method: string;
  path: string;
  status: number;
}

function agent(userId: string): NaiveAgent {
  return {
    userId,
    skills: ['sales', 'preview-qualified'],
    availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
    maxConcurrentCalls: 1,
  };
}

let sandbox: CxoneSandbox;

async function setFaults(faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(response.status).toBe(200);
}

async function requests(): Promise<Logged[]> {
  return (await (await fetch(`${sandbox.url}/sandbox/requests`)).json()) as Logged[];
}

function clientWithRecordedSleeps() {
  const sleeps: number[] = [];
  const client = createNaiveClient({
    baseUrl: sandbox.url,
    clientId: SANDBOX_CREDENTIALS.clientId,
    clientSecret: SANDBOX_CREDENTIALS.clientSecret,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { client, sleeps };
}

beforeAll(async () => {
  sandbox = await startCxoneSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

describe('naive client (the Go sketch)', () => {
  it('writes the whole agent set with one PUT every time and never reads', async () => {
    const { client } = clientWithRecordedSleeps();
    const agents = ['agent-uuid-001', 'agent-uuid-002', 'agent-uuid-003'].map(agent);

    expect(await client.putAgents(CAMPAIGN_ID, agents)).toEqual({ status: 200, attempts: 1 });
    expect(await client.putAgents(CAMPAIGN_ID, agents)).toEqual({ status: 200, attempts: 1 });

    const api = (await requests()).filter((r) => !r.path.startsWith('/.well-known'));
    expect(api.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /oauth2/token',
      `PUT /api/v2/outbound/campaigns/${CAMPAIGN_ID}/agents`,
      `PUT /api/v2/outbound/campaigns/${CAMPAIGN_ID}/agents`,
    ]);
    const state = (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as {
      skills: Record<string, { userId: string; isActive: boolean; proficiency: number }[]>;
    };
    expect(state.skills[SKILL_ID]?.map((m) => [m.userId, m.isActive, m.proficiency])).toEqual([
      ['agent-uuid-001', true, 1],
      ['agent-uuid-002', true, 1],
      ['agent-uuid-003', true, 1],
    ]);
  });

  it('retries a 429 after 1, 2 and 4 s whatever Retry-After says, then returns the last 429', async () => {
    const { client, sleeps } = clientWithRecordedSleeps();
    await client.putAgents(CAMPAIGN_ID, [agent('agent-uuid-001')]);
    await setFaults({ rate429: 1, retryAfterSeconds: 7 });

    expect(await client.putAgents(CAMPAIGN_ID, [agent('agent-uuid-002')])).toEqual({
      status: 429,
      attempts: 4,
    });

    expect(sleeps).toEqual([1000, 2000, 4000]);
    const puts = (await requests()).filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.status)).toEqual([200, 429, 429, 429, 429]);
  });

  it('does not retry a server error', async () => {
    const { client, sleeps } = clientWithRecordedSleeps();
    await client.putAgents(CAMPAIGN_ID, [agent('agent-uuid-001')]);
    await setFaults({ rate5xx: 1 });

    const failure = await client.putAgents(CAMPAIGN_ID, [agent('agent-uuid-002')]).catch((error) => error);

    expect(failure).toBeInstanceOf(NaiveDispatchError);
    expect((failure as NaiveDispatchError).status).toBeGreaterThanOrEqual(500);
    expect(sleeps).toEqual([]);
    expect((await requests()).filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('has no client-side rate limit: concurrent writes go out at once and meet the server limit', async () => {
    const { client } = clientWithRecordedSleeps();
    await client.putAgents(CAMPAIGN_ID, [agent('agent-uuid-001')]);
    await setFaults({ rateLimitPerSecond: 2 });

    await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.putAgents(CAMPAIGN_ID, [agent(`agent-uuid-00${i + 1}`)])),
    );

    const firstWave = (await requests()).filter((r) => r.method === 'PUT').slice(1, 7);
    expect(firstWave.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
  });
});
