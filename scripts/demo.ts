// `npm run demo` (with `npm start` running): submits the original spec's example and prints the plan, the CXone
// calls it caused, the final status with latency and the signed WFM event received. The agent is assigned to the
// campaign's skill either way; it is active only while its window and the calling hours are open (the plan says).
// Then it changes the campaign's policy through the API (capacityThreshold 0.3 → 0.6, which the agent's capacity
// score of 0.51 no longer reaches) and shows the change take effect at once, with no deploy or restart: the
// re-plan of kind policy_change, the agent inactive on CXone, the policy_changed event; and puts the policy back.
const api = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const cxone = `http://127.0.0.1:${process.env.CXONE_SANDBOX_PORT ?? 4010}`;
const wfm = `http://127.0.0.1:${process.env.WFM_RECEIVER_PORT ?? 4020}`;
const token = process.env.API_TOKEN ?? 'local-dev-token';
const adminToken = process.env.API_ADMIN_TOKEN ?? 'local-admin-token';
const campaignId = '12345678-1234-1234-1234-123456789012';
const FINAL = new Set(['applied', 'partially_applied', 'rejected', 'failed', 'superseded']);

async function call(
  method: string,
  url: string,
  body?: unknown,
  options: { token?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${options.token ?? token}`,
      'content-type': 'application/json',
      ...options.headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    body: text ? JSON.parse(text) : undefined,
  };
}

const admin = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(method, url, body, { token: adminToken, headers });

type Assignment = {
  status: string;
  kind?: string;
  latencyMs?: number;
  result?: { active: string[] };
  error?: string;
};

async function finalAssignment(assignmentId: string): Promise<Assignment | undefined> {
  let assignment: Assignment | undefined;
  for (let i = 0; i < 120; i++) {
    assignment = (await call('GET', `${api}/assignments/${assignmentId}`)).body;
    if (assignment && FINAL.has(assignment.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return assignment;
}

async function skillMembers(skillId: number) {
  const state = (await call('GET', `${cxone}/sandbox/state`)).body as {
    skills: Record<string, Array<{ userId: string; isActive: boolean; proficiency: number }>>;
  };
  return state.skills[String(skillId)] ?? [];
}

/** The policy change of the demo: one field, If-Match on the current version, and the effect it has at once. */
async function changePolicy(): Promise<boolean> {
  const policyUrl = `${api}/campaigns/${campaignId}`;
  const current = await admin('GET', policyUrl);
  if (current.status !== 200)
    throw new Error(`GET policy answered ${current.status}: ${JSON.stringify(current.body)}`);
  const {
    version,
    updatedAt: _at,
    ...policy
  } = current.body as Record<string, unknown> & { version: number };
  const changedAt = new Date().toISOString();
  const changed = await admin(
    'PUT',
    policyUrl,
    { ...policy, capacityThreshold: 0.6 },
    { 'if-match': `"${version}"` },
  );
  if (changed.status !== 200)
    throw new Error(`PUT policy answered ${changed.status}: ${JSON.stringify(changed.body)}`);
  console.log(
    `\nPolicy changed through the API: version ${version} → ${changed.body.version} (ETag ${changed.etag}), ` +
      `capacityThreshold ${policy.capacityThreshold} → 0.6`,
  );
  const stale = await admin('PUT', policyUrl, policy, { 'if-match': `"${version}"` });
  console.log(`The same change with the old ETag "${version}": ${stale.status} ${stale.body?.title ?? ''}`);

  let event: { data: { assignmentId?: string; previousVersion?: number; version?: number } } | undefined;
  for (let i = 0; i < 60 && !event; i++) {
    const received = (await call('GET', `${wfm}/received`)).body as Array<{
      receivedAt: string;
      body: string;
    }>;
    event = received
      .filter((r) => r.receivedAt >= changedAt)
      .map((r) => JSON.parse(r.body))
      .find(
        (e) =>
          e.type === 'com.cxone-assignments.campaign.policy_changed' &&
          e.data.version === changed.body.version,
      );
    if (!event) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const replanId = event?.data.assignmentId;
  const replan = replanId ? await finalAssignment(replanId) : undefined;
  table('Effect of the policy change (no deploy, no restart)', [
    {
      event: 'campaign.policy_changed',
      versions: `${event?.data.previousVersion} → ${event?.data.version}`,
      replan: replanId ?? '(none)',
      kind: replan?.kind,
      status: replan?.status,
      activeAfter: (replan?.result?.active ?? []).join(', ') || '(nobody)',
    },
  ]);
  table(
    `CXone skill ${policy.cxoneSkillId} now`,
    (await skillMembers(Number(policy.cxoneSkillId))).map(({ userId, isActive, proficiency }) => ({
      userId,
      isActive,
      proficiency,
    })),
  );

  const restored = await admin('PUT', policyUrl, policy, { 'if-match': changed.etag ?? '' });
  console.log(
    `\nPolicy put back as it was: ${restored.status}, version ${restored.body?.version} (ETag ${restored.etag})`,
  );
  return replan?.status === 'applied' && restored.status === 200;
}

function table(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  if (rows.length === 0) console.log('  (none)');
  else console.table(rows);
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const submission = {
    agents: [
      {
        userId: 'agent-uuid-001',
        skills: ['sales', 'preview-qualified'],
        availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
        maxConcurrentCalls: 1,
        recentCallRate: 4.2,
      },
    ],
    callRateTarget: 8.5,
  };
  const path = `${api}/campaigns/${campaignId}/agents`;
  const plan = await call('PUT', `${path}?dryRun=true`, submission);
  if (plan.status !== 200) throw new Error(`dry run answered ${plan.status}: ${JSON.stringify(plan.body)}`);
  table('Plan (dry run)', plan.body.agents);

  const accepted = await call('PUT', path, submission);
  if (accepted.status !== 202)
    throw new Error(`submit answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
  const { assignmentId } = accepted.body;
  console.log(`\nAccepted: ${assignmentId}`);

  let assignment: { status: string; latencyMs?: number; result?: unknown; error?: string } | undefined;
  for (let i = 0; i < 120; i++) {
    assignment = (await call('GET', `${api}/assignments/${assignmentId}`)).body;
    if (assignment && FINAL.has(assignment.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const requests = (await call('GET', `${cxone}/sandbox/requests`)).body as Array<Record<string, unknown>>;
  table(
    'CXone calls for this assignment',
    requests
      .filter((r) => r.correlationId === assignmentId)
      .map(({ at, method, path: p, status }) => ({ at, method, path: p, status })),
  );
  table('Final status', [
    {
      assignmentId,
      status: assignment?.status,
      latencyMs: assignment?.latencyMs,
      error: assignment?.error ?? '',
    },
  ]);

  let received: Array<{
    receivedAt: string;
    body: string;
    signatureValid: boolean;
    headers: Record<string, string>;
  }> = [];
  for (let i = 0; i < 60; i++) {
    const all = (await call('GET', `${wfm}/received`)).body as typeof received;
    received = all.filter((r) => r.receivedAt >= startedAt && r.body.includes(assignmentId));
    if (received.some((r) => JSON.parse(r.body).type.startsWith('com.cxone-assignments.assignment.'))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  table(
    'WFM events received',
    received.map((r) => {
      const event = JSON.parse(r.body);
      return {
        type: event.type,
        status: event.data.status,
        webhookId: r.headers['webhook-id'],
        valid: r.signatureValid,
      };
    }),
  );
  const policyChangeApplied = await changePolicy();
  if (assignment?.status !== 'applied' || !policyChangeApplied) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is the local stack running? Start it with `npm start` in another shell.');
  process.exitCode = 1;
});
