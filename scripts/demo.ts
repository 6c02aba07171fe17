// `npm run demo` (with `npm start` running): submits the original spec's example and prints the plan, the CXone
// calls it caused, the final status with latency and the signed WFM event received. The agent is assigned to the
// campaign's skill either way; it is active only while its window and the calling hours are open (the plan says).
const api = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const cxone = `http://127.0.0.1:${process.env.CXONE_SANDBOX_PORT ?? 4010}`;
const wfm = `http://127.0.0.1:${process.env.WFM_RECEIVER_PORT ?? 4020}`;
const token = process.env.API_TOKEN ?? 'local-dev-token';
const campaignId = '12345678-1234-1234-1234-123456789012';
const FINAL = new Set(['applied', 'partially_applied', 'rejected', 'failed', 'superseded']);

async function call(method: string, url: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
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
  if (assignment?.status !== 'applied') process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is the local stack running? Start it with `npm start` in another shell.');
  process.exitCode = 1;
});
