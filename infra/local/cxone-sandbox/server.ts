// The CXone sandbox: a stateful local HTTP server speaking both CXone targets. See README.md here.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeServer, listen } from '../http-server.ts';
import {
  BodyTooLargeError,
  CxoneHttpError,
  errorSurface,
  headerValue,
  type RouteResult,
  readBody,
  renderError,
} from './http.ts';
import { DEFAULT_SANDBOX_SEED } from './random.ts';
import { routeAdminApi } from './routes/admin-api.ts';
import { routeCampaignApi } from './routes/campaign-api.ts';
import { isDiscoveryPath, routeDiscovery } from './routes/discovery.ts';
import { isSandboxControlPath, routeSandboxControl } from './routes/sandbox-control.ts';
import { routeToken } from './routes/token.ts';
import { type RequestLogEntry, type SandboxRequest, SandboxRuntime } from './runtime.ts';
import {
  DEFAULT_AGENT_COUNT,
  DEFAULT_SANDBOX_SKILLS,
  MAX_AGENT_COUNT,
  SANDBOX_CREDENTIALS,
  type SandboxCredentials,
  type SandboxSkill,
  seededSkills,
} from './seed.ts';
import { signingKey } from './signing-key.ts';

export type { SandboxFaults } from './faults.ts';
export type { RequestLogEntry } from './runtime.ts';
export type { SandboxCredentials, SandboxSkill } from './seed.ts';
export {
  DEFAULT_SANDBOX_SKILLS,
  FIRST_AGENT_ID,
  SANDBOX_CREDENTIALS,
  SANDBOX_TENANT_ID,
  UNBOUND_SANDBOX_SKILLS,
} from './seed.ts';

export interface CxoneSandboxOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Skills (with the campaign bound to each); default the local policy's 4501234 ↔
   * 12345678-1234-1234-1234-123456789012. UNBOUND_SANDBOX_SKILLS are added unless a given skill has their id.
   */
  skills?: SandboxSkill[];
  /** Agents `agent-uuid-001` … ; default 200, at most 100,000 (also PUT /sandbox/agents). */
  agentCount?: number;
  /** The client and access key the token endpoints accept; default SANDBOX_CREDENTIALS, field by field. */
  credentials?: Partial<SandboxCredentials>;
  /** Campaign target: more active agents than this → 409 capacity_conflict. Default unlimited. */
  capacityLimit?: number;
  /** Admin target: skills the access key's role lacks permission for → 403 on their agent routes. */
  forbiddenSkillIds?: number[];
  /** PRNG seed for injected faults (re-applied by reset and DELETE /sandbox/faults). */
  seed?: number;
  /** Clock in epoch ms for token expiry, the rate-limit bucket and timestamps (tests freeze it). */
  now?: () => number;
}

export interface CxoneSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Clears assignments, the request log and faults, restores the agent count; issued tokens stay valid. */
  reset(): void;
}

export async function startCxoneSandbox(options: CxoneSandboxOptions = {}): Promise<CxoneSandbox> {
  const agentCount = options.agentCount ?? DEFAULT_AGENT_COUNT;
  if (!Number.isInteger(agentCount) || agentCount < 0 || agentCount > MAX_AGENT_COUNT) {
    throw new Error(`agentCount must be an integer 0 … ${MAX_AGENT_COUNT}`);
  }
  signingKey(); // made once per process, before the first token request waits for it
  const runtime = new SandboxRuntime({
    skills: seededSkills(options.skills ?? DEFAULT_SANDBOX_SKILLS),
    agentCount,
    credentials: { ...SANDBOX_CREDENTIALS, ...options.credentials },
    capacityLimit: options.capacityLimit,
    ...(options.forbiddenSkillIds ? { forbiddenSkillIds: options.forbiddenSkillIds } : {}),
    seed: options.seed ?? DEFAULT_SANDBOX_SEED,
    now: options.now ?? Date.now,
  });
  const server = createServer((req, res) => {
    handle(runtime, req, res).catch(() => res.destroy());
  });
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  runtime.baseUrl = `http://${urlHost(host)}:${port}`;
  return {
    url: runtime.baseUrl,
    port,
    reset: () => runtime.reset(),
    close: () => closeServer(server),
  };
}

async function handle(runtime: SandboxRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const correlationId = headerValue(req.headers, 'correlationid') ?? null;
  const control = isSandboxControlPath(path);
  const record = (status: number, fault: RequestLogEntry['fault']) => {
    if (control) return;
    runtime.requests.push({
      at: runtime.nowIso(),
      method,
      path,
      query: url.search.slice(1),
      status,
      correlationId,
      fault,
    });
  };

  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    record(413, null);
    respond(res, path, payloadTooLarge(error), correlationId);
    return;
  }
  const request: SandboxRequest = { method, path, query: url.searchParams, headers: req.headers, body };

  if (control) {
    respond(
      res,
      path,
      answer(() => routeSandboxControl(runtime, request)),
      correlationId,
    );
    return;
  }
  const injected = isDiscoveryPath(path) ? undefined : runtime.drawFault();
  if (injected?.kind === 'timeout') {
    // Never answered: the request stays open until the client gives up (or the sandbox closes).
    res.on('close', () => record(0, 'timeout'));
    return;
  }
  const result =
    injected && 'result' in injected ? injected.result : answer(() => routeCxone(runtime, request));
  // Latency is added after the work is done, so a client that times out may still have changed the state.
  if (runtime.faults.latencyMs > 0) await sleep(runtime.faults.latencyMs);
  record(result.status, result.fault ?? injected?.kind ?? null);
  respond(res, path, result, correlationId);
}

function routeCxone(runtime: SandboxRuntime, request: SandboxRequest): RouteResult {
  const result =
    routeDiscovery(runtime, request) ??
    routeToken(runtime, request) ??
    routeAdminApi(runtime, request) ??
    routeCampaignApi(runtime, request);
  if (result) return result;
  throw new CxoneHttpError(404, 'not_found', `No route for ${request.method} ${request.path}`);
}

function answer(route: () => RouteResult): RouteResult {
  try {
    return route();
  } catch (error) {
    if (error instanceof CxoneHttpError) return error.toResult();
    const description = error instanceof Error ? error.message : 'unexpected error';
    return { status: 500, error: { code: 'server_error', description } };
  }
}

function payloadTooLarge(error: Error): RouteResult {
  return { status: 413, error: { code: 'payload_too_large', description: error.message } };
}

function respond(res: ServerResponse, path: string, result: RouteResult, correlationId: string | null): void {
  if (res.destroyed) return;
  const rendered = result.error ? renderError(errorSurface(path), result.error) : undefined;
  const body = rendered?.body ?? result.body;
  const payload = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string | number> = { ...result.headers, ...rendered?.headers };
  if (payload !== '') headers['Content-Type'] = 'application/json; charset=utf-8';
  // A 204 has no body and no Content-Length (RFC 9110 §8.6).
  if (result.status !== 204) headers['Content-Length'] = Buffer.byteLength(payload);
  if (correlationId !== null) headers.CorrelationId = correlationId;
  res.writeHead(result.status, headers).end(payload);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
