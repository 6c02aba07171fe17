import { describe, expect, it } from 'vitest';
import {
  type CxoneAuthFailure,
  CxoneConverger,
  mapCxoneError,
} from '../../../lib/adapters/cxone-converger.ts';
import { PermanentRefusalError, RetryLaterError } from '../../../lib/app/errors.ts';
import { createCxoneClient, staticCredentials } from '../../../lib/cxone/client.ts';
import {
  CxoneAuthError,
  CxoneConflictError,
  CxonePermanentError,
  CxoneRetryableError,
} from '../../../lib/cxone/errors.ts';
import type { CxoneConvergeClient } from '../../../lib/cxone/types.ts';
import type { AgentPlan } from '../../../lib/domain/types.ts';
import { CREDENTIALS, FakeCxone } from '../cxone/fake-cxone.ts';
import { fakeClock, scriptedFetch } from '../cxone/fakes.ts';

const target = { campaignId: 'campaign-1', skillId: 42 };
const context = { correlationId: 'asg-1', deadline: Date.now() + 60_000 };
const scope = { mode: 'managed' as const, managed: ['user-1'] };
const plan: AgentPlan[] = [
  { userId: 'user-1', active: true, reason: 'active', overlapMinutes: 480, capacityScore: 1, proficiency: 1 },
];

function failingClient(error: Error): CxoneConvergeClient {
  return {
    target: 'admin',
    converge: async () => {
      throw error;
    },
  };
}

function converger(client: CxoneConvergeClient) {
  const alarms: CxoneAuthFailure[] = [];
  return { converger: new CxoneConverger(client, { onAuthFailure: (f) => alarms.push(f) }), alarms };
}

describe('CxoneConverger', () => {
  it('applies the plan and reports what CXone holds afterwards', async () => {
    const cxone = new FakeCxone();
    const clock = fakeClock();
    const client = createCxoneClient({
      credentials: staticCredentials(CREDENTIALS),
      fetch: scriptedFetch(cxone.handler, clock.now).fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitPerSecond: 1000,
    });
    const outcome = await new CxoneConverger(client).converge(
      target,
      plan,
      { correlationId: 'asg-1', deadline: clock.now() + 60_000 },
      scope,
    );
    expect(outcome).toMatchObject({
      added: ['user-1'],
      before: [],
      after: [{ userId: 'user-1', isActive: true, proficiency: 1 }],
      dropped: [],
      failedAgents: [],
      verified: true,
      hiddenAgents: 0,
      foreign: [],
    });
  });

  it('converges within the membership scope: a member that is not the campaign’s is left alone and reported', async () => {
    const cxone = new FakeCxone([{ userId: 'user-9', isActive: true, proficiency: 12 }]);
    const clock = fakeClock();
    const client = createCxoneClient({
      credentials: staticCredentials(CREDENTIALS),
      fetch: scriptedFetch(cxone.handler, clock.now).fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitPerSecond: 1000,
    });
    const ctx = { correlationId: 'asg-1', deadline: clock.now() + 60_000 };
    const managed = await new CxoneConverger(client).converge(target, plan, ctx, scope);
    expect(managed.foreign).toEqual([{ userId: 'user-9', isActive: true, proficiency: 12 }]);
    expect(cxone.skill.size).toBe(2);
    const exclusive = await new CxoneConverger(client).converge(target, plan, ctx, {
      ...scope,
      mode: 'exclusive',
    });
    expect(exclusive).toMatchObject({ removed: ['user-9'], foreign: [] });
    expect(cxone.skill.size).toBe(1);
  });

  it('refuses an Admin API 409 (Invalid Permissions) with CXone’s reason, without load balancing', async () => {
    const cxone = new FakeCxone();
    cxone.writeStatus = 409;
    const clock = fakeClock();
    const client = createCxoneClient({
      credentials: staticCredentials(CREDENTIALS),
      fetch: scriptedFetch(cxone.handler, clock.now).fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitPerSecond: 1000,
    });
    const error = await new CxoneConverger(client)
      .converge(target, plan, { correlationId: 'asg-1', deadline: clock.now() + 60_000 }, scope)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentRefusalError);
    expect(error).toMatchObject({ status: 409 });
    expect((error as Error).message).toContain('CXone refused the change');
    expect((error as Error).message).toContain('Invalid Permissions');
    expect(cxone.skill.size).toBe(0);
  });

  it('refuses at once, and raises the alarm, when the credentials secret is malformed', async () => {
    // The secret lacks the access key the admin target needs: the client throws CxoneCredentialsError.
    const { accessKeySecret: _omitted, ...partial } = CREDENTIALS;
    const client = createCxoneClient({
      credentials: staticCredentials(partial),
      fetch: async () => {
        throw new Error('no CXone call expected');
      },
    });
    const { converger: subject, alarms } = converger(client);

    const error = await subject.converge(target, plan, context, scope).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentRefusalError);
    expect((error as Error).message).toMatch(/an operator must fix the secret: .*accessKeySecret/);
    expect((error as Error).message).not.toContain(CREDENTIALS.clientSecret);
    expect(alarms).toEqual([
      {
        campaignId: 'campaign-1',
        correlationId: 'asg-1',
        malformedSecret: true,
        reason: expect.stringContaining('accessKeySecret (missing or not a string)'),
      },
    ]);
  });

  it('refuses, and raises the alarm, when CXone refuses the credentials after the client’s own recovery', async () => {
    const refused = new CxoneAuthError('CXone refused the credentials: POST token: CXone answered 401', {
      status: 401,
    });
    const { converger: subject, alarms } = converger(failingClient(refused));

    const error = await subject.converge(target, plan, context, scope).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentRefusalError);
    expect(error).toMatchObject({ status: 401 });
    expect(alarms).toEqual([
      { campaignId: 'campaign-1', correlationId: 'asg-1', malformedSecret: false, reason: refused.message },
    ]);
  });

  it.each([
    ['a retryable error', new CxoneRetryableError('429', { status: 429, retryAfterMs: 45_000 })],
    ['a permanent error', new CxonePermanentError('404', { status: 404 })],
    ['an unresolved conflict', new CxoneConflictError('409', { status: 409, limit: 3 })],
    ['an unknown error', new Error('socket hang up')],
  ])('raises no alarm for %s', async (_name, thrown) => {
    const { converger: subject, alarms } = converger(failingClient(thrown));
    await expect(subject.converge(target, plan, context, scope)).rejects.toThrow();
    expect(alarms).toEqual([]);
  });
});

describe('mapCxoneError', () => {
  it('retries what may pass, with the server’s Retry-After', () => {
    const retry = mapCxoneError(new CxoneRetryableError('429', { status: 429, retryAfterMs: 45_000 }));
    expect(retry).toBeInstanceOf(RetryLaterError);
    expect(retry).toMatchObject({ retryAfterMs: 45_000 });
    expect(mapCxoneError(new Error('socket hang up'))).toBeInstanceOf(RetryLaterError);
    expect(mapCxoneError('odd')).toMatchObject({ message: 'odd' });
  });

  it('refuses what retrying cannot help: 4xx, unresolved conflicts, credentials', () => {
    expect(mapCxoneError(new CxonePermanentError('403', { status: 403 }))).toMatchObject({
      name: 'PermanentRefusalError',
      status: 403,
    });
    expect(mapCxoneError(new CxoneConflictError('409', { status: 409 }))).toBeInstanceOf(
      PermanentRefusalError,
    );
    expect(mapCxoneError(new CxoneAuthError('401', { status: 401 }))).toBeInstanceOf(PermanentRefusalError);
  });
});
