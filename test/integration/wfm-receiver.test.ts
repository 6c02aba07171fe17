import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  LOCAL_WFM_WEBHOOK_SECRET,
  type ReceivedWebhook,
  startWfmReceiver,
  type WfmReceiver,
} from '../../infra/local/wfm-receiver/server.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

let receiver: WfmReceiver;

beforeAll(async () => {
  receiver = await startWfmReceiver({ port: 0, secret: SECRET });
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.reset();
});

/** A CloudEvent-like body with spacing and non-ASCII text, to prove the raw bytes are kept. */
function eventBody(id: string): string {
  return `{ "specversion": "1.0", "id": "${id}", "type": "com.cxone-assignments.assignment.applied",\n  "data": { "campaignId": "12345678-1234-1234-1234-123456789012", "note": "Zoë ✓" } }`;
}

function signedHeaders(secrets: string[], id: string, body: string, at = new Date()): Record<string, string> {
  return {
    'content-type': 'application/cloudevents+json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' '),
  };
}

function post(body: string, headers: Record<string, string>, path = '/wfm/events'): Promise<Response> {
  return fetch(`${receiver.url}${path}`, { method: 'POST', headers, body });
}

async function received(): Promise<ReceivedWebhook[]> {
  return (await (await fetch(`${receiver.url}/received`)).json()) as ReceivedWebhook[];
}

async function putFaults(faults: Record<string, unknown>): Promise<Response> {
  return fetch(`${receiver.url}/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
}

describe('WFM receiver signature checks', () => {
  it('accepts a webhook signed with standardwebhooks and records the raw body and headers', async () => {
    const body = eventBody('evt_1');
    const response = await post(body, signedHeaders([SECRET], 'evt_1', body));
    expect(response.status).toBe(204);

    const [record] = await received();
    expect(record).toMatchObject({
      method: 'POST',
      path: '/wfm/events',
      body,
      signatureValid: true,
      accepted: true,
      status: 204,
    });
    expect(record?.headers['webhook-id']).toBe('evt_1');
    expect(Number.isNaN(Date.parse(record?.receivedAt ?? ''))).toBe(false);
    // Anyone can re-verify the recorded delivery with the same secret.
    expect(() => new Webhook(SECRET).verify(record?.body ?? '', record?.headers ?? {})).not.toThrow();
  });

  it('accepts a rotation delivery carrying an old and a current signature', async () => {
    const body = eventBody('evt_2');
    const response = await post(body, signedHeaders([OTHER_SECRET, SECRET], 'evt_2', body));
    expect(response.status).toBe(204);
    expect((await received())[0]?.signatureValid).toBe(true);
  });

  it('marks a tampered body, a wrong secret, a stale timestamp or missing headers invalid and refuses them', async () => {
    const body = eventBody('evt_3');
    const tampered = await post(body.replace('applied', 'rejected'), signedHeaders([SECRET], 'evt_3', body));
    const wrongSecret = await post(body, signedHeaders([OTHER_SECRET], 'evt_3', body));
    const stale = await post(
      body,
      signedHeaders([SECRET], 'evt_3', body, new Date(Date.now() - 10 * 60_000)),
    );
    const unsigned = await post(body, { 'content-type': 'application/json' });
    expect([tampered.status, wrongSecret.status, stale.status, unsigned.status]).toEqual([
      401, 401, 401, 401,
    ]);

    const records = await received();
    expect(records).toHaveLength(4);
    expect(records.map((record) => [record.signatureValid, record.accepted])).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [false, false],
    ]);
    expect(records[0]?.body).toBe(body.replace('applied', 'rejected'));
  });

  it('clears the received list on DELETE /received', async () => {
    const body = eventBody('evt_4');
    await post(body, signedHeaders([SECRET], 'evt_4', body));
    expect(await received()).toHaveLength(1);
    expect((await fetch(`${receiver.url}/received`, { method: 'DELETE' })).status).toBe(204);
    expect(await received()).toEqual([]);
  });

  it('refuses a body over 1 MiB with 413 and records nothing', async () => {
    const body = 'x'.repeat(1024 * 1024 + 1);
    const response = await post(body, signedHeaders([SECRET], 'evt_big', body));
    expect(response.status).toBe(413);
    expect(await received()).toEqual([]);
  });
});

describe('WFM receiver faults', () => {
  it('answers the configured status at failRate 1, with Retry-After when asked, and records the failed attempt', async () => {
    expect((await putFaults({ failRate: 1, status: 429, retryAfterSeconds: 3 })).status).toBe(200);
    const body = eventBody('evt_5');
    const response = await post(body, signedHeaders([SECRET], 'evt_5', body));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect((await received())[0]).toMatchObject({ signatureValid: true, accepted: false, status: 429 });

    await putFaults({ status: 500, retryAfterSeconds: null });
    const second = await post(body, signedHeaders([SECRET], 'evt_5', body));
    expect(second.status).toBe(500);
    expect(second.headers.get('retry-after')).toBeNull();
  });

  it('defaults the failure status to 503 and recovers after DELETE /faults', async () => {
    await putFaults({ failRate: 1 });
    const body = eventBody('evt_6');
    expect((await post(body, signedHeaders([SECRET], 'evt_6', body))).status).toBe(503);
    expect((await fetch(`${receiver.url}/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await post(body, signedHeaders([SECRET], 'evt_6', body))).status).toBe(204);
  });

  it('fails some deliveries and passes others at failRate 0.5', async () => {
    await putFaults({ failRate: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const body = eventBody(`evt_r${i}`);
      statuses.push((await post(body, signedHeaders([SECRET], `evt_r${i}`, body))).status);
    }
    expect(statuses).toContain(204);
    expect(statuses).toContain(503);
    expect(statuses.every((status) => status === 204 || status === 503)).toBe(true);
  });

  it('drops the connection without recording while down', async () => {
    await putFaults({ down: true });
    const body = eventBody('evt_7');
    await expect(post(body, signedHeaders([SECRET], 'evt_7', body))).rejects.toThrow();
    expect(await received()).toEqual([]);

    await putFaults({ down: false });
    expect((await post(body, signedHeaders([SECRET], 'evt_7', body))).status).toBe(204);
  });

  it('refuses invalid fault settings', async () => {
    expect((await putFaults({ failRate: 1.5 })).status).toBe(400);
    expect((await putFaults({ status: 200 })).status).toBe(400);
    expect((await putFaults({ fail_rate: 1 })).status).toBe(400);
  });
});

describe('WFM receiver paths', () => {
  it('records the path of a webhook on any path, and lists one path with ?path=', async () => {
    for (const path of ['/a', '/deeper/b', '/a']) {
      const body = eventBody(`evt_${path.length}`);
      expect((await post(body, signedHeaders([SECRET], 'evt_p', body), path)).status).toBe(204);
    }
    expect((await received()).map((record) => record.path)).toEqual(['/a', '/deeper/b', '/a']);
    const only = (await (await fetch(`${receiver.url}/received?path=/a`)).json()) as ReceivedWebhook[];
    expect(only.map((record) => record.path)).toEqual(['/a', '/a']);
  });

  it('verifies one path with its own secret (PUT /secrets) and the others with the receiver’s', async () => {
    const put = await fetch(`${receiver.url}/secrets`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/own', secret: OTHER_SECRET }),
    });
    expect(put.status).toBe(204);
    expect(await put.text()).toBe('');
    const body = eventBody('evt_own');
    expect((await post(body, signedHeaders([OTHER_SECRET], 'evt_own', body), '/own')).status).toBe(204);
    expect((await post(body, signedHeaders([SECRET], 'evt_own', body), '/own')).status).toBe(401);
    expect((await post(body, signedHeaders([OTHER_SECRET], 'evt_own', body), '/else')).status).toBe(401);
    expect((await fetch(`${receiver.url}/secrets`, { method: 'DELETE' })).status).toBe(204);
    expect((await post(body, signedHeaders([SECRET], 'evt_own', body), '/own')).status).toBe(204);
  });

  it('applies faults given with a path to that path only', async () => {
    expect((await putFaults({ path: '/gone', failRate: 1, status: 410 })).status).toBe(200);
    expect((await putFaults({ path: '/down', down: true })).status).toBe(200);
    const body = eventBody('evt_f');
    const headers = signedHeaders([SECRET], 'evt_f', body);
    expect((await post(body, headers, '/gone')).status).toBe(410);
    await expect(post(body, headers, '/down')).rejects.toThrow();
    expect((await post(body, headers, '/fine')).status).toBe(204);
    const faults = (await (await fetch(`${receiver.url}/faults`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(faults.paths).sort()).toEqual(['/down', '/gone']);
    await fetch(`${receiver.url}/faults`, { method: 'DELETE' });
    expect((await post(body, headers, '/gone')).status).toBe(204);
    expect((await putFaults({ path: 'no-slash', down: true })).status).toBe(400);
  });
});

describe('WFM receiver main.ts', () => {
  it('has a usable local-only default secret', () => {
    expect(LOCAL_WFM_WEBHOOK_SECRET).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(
      Buffer.from(LOCAL_WFM_WEBHOOK_SECRET.slice('whsec_'.length), 'base64').length,
    ).toBeGreaterThanOrEqual(24);
  });

  it('listens on WFM_RECEIVER_PORT, verifies with WFM_WEBHOOK_SECRET and exits cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['infra/local/wfm-receiver/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, WFM_RECEIVER_PORT: '0', WFM_WEBHOOK_SECRET: OTHER_SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
          if (match) resolve(match[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const body = eventBody('evt_main');
      const accepted = await fetch(`${url}/hook`, {
        method: 'POST',
        headers: signedHeaders([OTHER_SECRET], 'evt_main', body),
        body,
      });
      expect(accepted.status).toBe(204);
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
