// `npm start` as a user runs it (here on free ports): one `ready` line once /health is green, then SIGTERM stops
// every server and moto and the process exits 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

/** Pids of live processes whose command line mentions `text` (Linux /proc). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return cmdline.includes(text) && state !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);
}

let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start (infra/local/start.ts)', () => {
  it('prints one ready line when healthy and stops everything on SIGTERM', async () => {
    child = spawn(process.execPath, ['infra/local/start.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        CXONE_SANDBOX_PORT: '0',
        WFM_RECEIVER_PORT: '0',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((done) => child?.on('exit', (code) => done(code)));

    const deadline = Date.now() + 180_000;
    while (!/^ready.*\n/m.test(stdout) && child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const readyLines = stdout.split('\n').filter((line) => line.startsWith('ready'));
    expect(readyLines, stderr).toHaveLength(1);
    const urls = Object.fromEntries(
      [...(readyLines[0] as string).matchAll(/(\w+)=(http:\/\/\S+)/g)].map((m) => [m[1], m[2]]),
    );
    expect(Object.keys(urls).sort()).toEqual(['api', 'cxone', 'moto', 'wfm']);

    const anonymous = await fetch(`${urls.api}/health`);
    expect(anonymous.status).toBe(401);
    const health = await fetch(`${urls.api}/health`, {
      headers: { authorization: 'Bearer local-dev-token' },
    });
    expect(health.status).toBe(200);
    const motoPort = new URL(urls.moto as string).port;
    expect(processesMentioning(`-p\0${motoPort}`)).toHaveLength(1);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(processesMentioning(`-p\0${motoPort}`)).toEqual([]);
    for (const url of Object.values(urls)) {
      await expect(fetch(url as string, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    }
  }, 240_000);
});
