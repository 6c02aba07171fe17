// The local WFM receiver (its README.md): records every webhook POST with its raw body and whether its Standard
// Webhooks signature verifies, and can be told to fail. See README.md here.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SANDBOX_SEED, seededRandom } from '../cxone-sandbox/random.ts';
import { closeServer, listen } from '../http-server.ts';
import {
  mergeReceiverFaults,
  NO_RECEIVER_FAULTS,
  type ReceiverFaults,
  receiverFaultsUpdateSchema,
  receiverSecretSchema,
  shouldFail,
} from './faults.ts';
import { signatureVerifier } from './verify-signature.ts';

export type { ReceiverFaults } from './faults.ts';
export { LOCAL_WFM_WEBHOOK_SECRET } from './secret.ts';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface WfmReceiverOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** `whsec_<base64>` signing secret the webhooks are checked against. */
  secret: string;
  /** PRNG seed for `failRate`. */
  seed?: number;
}

export interface WfmReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Clears the received list and the faults. */
  reset(): void;
}

export interface ReceivedWebhook {
  receivedAt: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The raw body exactly as received, so anyone can re-verify the signature. */
  body: string;
  signatureValid: boolean;
  /** True when answered 2xx; false when an injected failure or an invalid signature refused it. */
  accepted: boolean;
  status: number;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Verifier = (body: string, headers: Record<string, string>) => boolean;

interface ReceiverState {
  received: ReceivedWebhook[];
  faults: ReceiverFaults;
  /** Faults of one path (`PUT /faults` with `path`), in place of the global ones there. */
  pathFaults: Map<string, ReceiverFaults>;
  /** Verifiers of one path (`PUT /secrets`), in place of the receiver's own secret there. */
  pathVerifiers: Map<string, Verifier>;
  random: () => number;
  readonly verify: Verifier;
  readonly seed: number;
}

export async function startWfmReceiver(options: WfmReceiverOptions): Promise<WfmReceiver> {
  const seed = options.seed ?? DEFAULT_SANDBOX_SEED;
  const state: ReceiverState = {
    received: [],
    faults: { ...NO_RECEIVER_FAULTS },
    pathFaults: new Map(),
    pathVerifiers: new Map(),
    random: seededRandom(seed),
    verify: signatureVerifier(options.secret),
    seed,
  };
  const server = createServer((req, res) => {
    handle(state, req, res).catch(() => res.destroy());
  });
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => closeServer(server),
    reset: () => {
      state.received.length = 0;
      resetFaults(state);
      state.pathVerifiers.clear();
    },
  };
}

async function handle(state: ReceiverState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://receiver.invalid').pathname;
  if (path === '/received' || path === '/faults' || path === '/secrets') {
    respond(res, await control(state, method, req));
    return;
  }
  if (method !== 'POST') {
    respond(res, { status: 405, headers: { Allow: 'POST' }, body: { error: 'method_not_allowed' } });
    return;
  }
  const faults = state.pathFaults.get(path) ?? state.faults;
  if (faults.down) {
    req.socket.destroy();
    return;
  }
  const body = await readBody(req, MAX_WEBHOOK_BODY_BYTES);
  if (body === undefined) {
    respond(res, { status: 413, body: { error: 'payload_too_large' } });
    return;
  }
  const headers = flattenHeaders(req);
  const signatureValid = (state.pathVerifiers.get(path) ?? state.verify)(body, headers);
  const answer = webhookAnswer(state, faults, signatureValid);
  state.received.push({
    receivedAt: new Date().toISOString(),
    method,
    path,
    headers,
    body,
    signatureValid,
    accepted: answer.status >= 200 && answer.status < 300,
    status: answer.status,
  });
  respond(res, answer);
}

function webhookAnswer(state: ReceiverState, faults: ReceiverFaults, signatureValid: boolean): Answer {
  if (shouldFail(faults, state.random)) {
    return {
      status: faults.status,
      body: { error: 'injected_failure' },
      headers: faults.retryAfterSeconds === null ? {} : { 'Retry-After': String(faults.retryAfterSeconds) },
    };
  }
  if (!signatureValid) return { status: 401, body: { error: 'invalid_signature' } };
  return { status: 204 };
}

async function control(state: ReceiverState, method: string, req: IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? '/', 'http://receiver.invalid');
  const body = await readBody(req, MAX_WEBHOOK_BODY_BYTES);
  if (url.pathname === '/received') {
    if (method === 'GET') {
      const only = url.searchParams.get('path');
      return {
        status: 200,
        body: only === null ? state.received : state.received.filter((r) => r.path === only),
      };
    }
    if (method === 'DELETE') {
      state.received.length = 0;
      return { status: 204 };
    }
    return { status: 405, headers: { Allow: 'GET, DELETE' }, body: { error: 'method_not_allowed' } };
  }
  if (url.pathname === '/secrets') return secrets(state, method, body);
  if (method === 'GET') return { status: 200, body: faultsView(state) };
  if (method === 'DELETE') {
    resetFaults(state);
    return { status: 200, body: faultsView(state) };
  }
  if (method !== 'PUT') {
    return { status: 405, headers: { Allow: 'GET, PUT, DELETE' }, body: { error: 'method_not_allowed' } };
  }
  const update = receiverFaultsUpdateSchema.safeParse(parseJson(body ?? ''));
  if (!update.success) return invalidRequest(update.error.issues);
  const { path } = update.data;
  if (path === undefined) state.faults = mergeReceiverFaults(state.faults, update.data);
  else {
    state.pathFaults.set(
      path,
      mergeReceiverFaults(state.pathFaults.get(path) ?? NO_RECEIVER_FAULTS, update.data),
    );
  }
  return { status: 200, body: faultsView(state) };
}

/** `PUT /secrets {path, secret}`: verify that path with another secret; `DELETE /secrets`: every path with ours. */
function secrets(state: ReceiverState, method: string, body: string | undefined): Answer {
  if (method === 'DELETE') {
    state.pathVerifiers.clear();
    return { status: 204 };
  }
  if (method !== 'PUT') {
    return { status: 405, headers: { Allow: 'PUT, DELETE' }, body: { error: 'method_not_allowed' } };
  }
  const parsed = receiverSecretSchema.safeParse(parseJson(body ?? ''));
  if (!parsed.success) return invalidRequest(parsed.error.issues);
  state.pathVerifiers.set(parsed.data.path, signatureVerifier(parsed.data.secret));
  // The secret is never echoed.
  return { status: 204 };
}

function invalidRequest(issues: readonly { path: PropertyKey[]; message: string }[]): Answer {
  const detail = issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  return { status: 400, body: { error: 'invalid_request', error_description: detail.join('; ') } };
}

/** The global faults, and those of each path that has its own. */
function faultsView(state: ReceiverState): ReceiverFaults & { paths: Record<string, ReceiverFaults> } {
  return { ...state.faults, paths: Object.fromEntries(state.pathFaults) };
}

function resetFaults(state: ReceiverState): void {
  state.faults = { ...NO_RECEIVER_FAULTS };
  state.pathFaults.clear();
  state.random = seededRandom(state.seed);
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The raw body as UTF-8, or undefined when over `limit` (the rest is drained so the 413 can be read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function respond(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
  const headers: Record<string, string | number> = { ...answer.headers };
  if (payload !== '') headers['Content-Type'] = 'application/json; charset=utf-8';
  headers['Content-Length'] = Buffer.byteLength(payload);
  res.writeHead(answer.status, headers).end(payload);
}
