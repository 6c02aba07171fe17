// The AWS API emulator of the local stack: moto server in a project-local virtualenv (.venv), installed from
// infra/local/requirements.txt on first use and again whenever that file changes (python-venv.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureVirtualenv } from './python-venv.ts';

/** sitecustomize.py for the moto server: see that file (moto 5.2.5 DynamoDB transactions under concurrency). */
export const MOTO_PATCH_DIR = resolve(import.meta.dirname, 'moto-patch');

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const LOCAL_REGION = 'us-east-1';
/** moto's fixed account id: every ARN it makes carries it. */
export const LOCAL_ACCOUNT_ID = '123456789012';

export class MotoInstallError extends Error {
  override name = 'MotoInstallError';
}
export class MotoStartError extends Error {
  override name = 'MotoStartError';
}

export interface MotoServer {
  url: string;
  port: number;
  pid: number;
  close(): Promise<void>;
}

export interface StartMotoOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  host?: string;
  projectRoot?: string;
  log?: (line: string) => void;
}

/**
 * The local stack's AWS settings for the in-process handlers and the SDK clients of the stack itself.
 * `local`/`local` are dummy credentials that only moto accepts: nothing here can reach real AWS.
 */
export function localAwsEnvironment(motoUrl: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: motoUrl,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}

/** Variables that could point the handlers (or osls) at a real AWS account; removed from every local env. */
export const REAL_AWS_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
];

/** Creates or refreshes `.venv` when missing or when requirements.txt changed; returns the venv's python. */
export function ensureMotoVirtualenv(
  projectRoot = PROJECT_ROOT,
  log: (line: string) => void = () => {},
): Promise<string> {
  return ensureVirtualenv(
    {
      dir: join(projectRoot, '.venv'),
      requirements: join(projectRoot, 'infra', 'local', 'requirements.txt'),
      python: process.env.PYTHON ?? 'python3',
      lock: join(projectRoot, '.venv.lock'),
      purpose: 'moto',
      error: MotoInstallError,
    },
    log,
  );
}

export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

// moto_server does not notice its parent dying; this wrapper exits when our end of its stdin closes, so even a
// SIGKILLed stack leaves no moto behind.
const MOTO_LAUNCHER = `
import os, sys, threading
def _watch_parent():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=_watch_parent, daemon=True).start()
from moto.server import main
main(sys.argv[1:])
`;

/** Starts moto server on loopback and resolves once it answers. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const python = await ensureMotoVirtualenv(options.projectRoot ?? PROJECT_ROOT, log);
  const fixedPort = options.port ?? 0;
  let lastError: unknown;
  // A free port found here can be taken by someone else before moto binds it: try a few.
  for (let attempt = 0; attempt < (fixedPort ? 1 : 3); attempt++) {
    const port = fixedPort || (await findFreePort(host));
    try {
      return await launch(python, host, port, log);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function launch(python: string, host: string, port: number, log: (line: string) => void) {
  const url = `http://${host}:${port}`;
  const child = spawn(python, ['-c', MOTO_LAUNCHER, '-H', host, '-p', String(port)], {
    detached: true, // own process group: a terminal's Ctrl-C reaches us, and we stop moto in order
    stdio: ['pipe', 'ignore', 'pipe'],
    env: {
      ...withoutRealAws(process.env),
      MOTO_PORT: String(port),
      PYTHONUNBUFFERED: '1',
      // moto-patch/sitecustomize.py: moto 5.2.5's DynamoDB transactions are unsafe under concurrent requests.
      PYTHONPATH: [MOTO_PATCH_DIR, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const exited = new Promise<number | null>((resolvePromise) => child.once('exit', resolvePromise));
  child.once('error', () => {});
  const pid = child.pid;
  if (pid === undefined) throw new MotoStartError(`could not spawn ${python}`);

  const deadline = Date.now() + 60_000;
  for (;;) {
    const exitCode = await Promise.race([exited, sleep(150).then(() => 'running' as const)]);
    if (exitCode !== 'running') {
      throw new MotoStartError(`moto_server exited (${exitCode}) before answering on ${url}:\n${stderr}`);
    }
    if (await answers(url)) break;
    if (Date.now() > deadline) {
      await stopProcessGroup(child, exited);
      throw new MotoStartError(`moto_server did not answer on ${url} within 60 s:\n${stderr}`);
    }
  }
  log(`moto listening on ${url} (pid ${pid})`);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    pid,
    close: () => {
      closing ??= stopProcessGroup(child, exited);
      return closing;
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

async function stopProcessGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  child.stdin?.end();
  const stopped = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
  if (!stopped) {
    signalGroup('SIGKILL');
    await exited;
  }
}

export function withoutRealAws(env: NodeJS.ProcessEnv): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !REAL_AWS_VARIABLES.includes(key) && !key.startsWith('AWS_ENDPOINT_URL')) {
      copy[key] = value;
    }
  }
  return copy;
}
