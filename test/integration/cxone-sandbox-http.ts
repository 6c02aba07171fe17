// Raw HTTP helpers for the CXone sandbox tests: plain fetch over a real socket, no project client code.
import { expect } from 'vitest';
import { SANDBOX_CREDENTIALS, type SandboxCredentials } from '../../infra/local/cxone-sandbox/server.ts';

export const SKILL_ID = 4501234;
export const CAMPAIGN_ID = '12345678-1234-1234-1234-123456789012';
export const ADMIN = '/inContactAPI/services/v30.0';
/** Every skill the sandbox holds by default: the local policy's, five unbound outbound ones, one inbound. */
export const SEEDED_SKILL_IDS = [4501234, 4501235, 4501236, 4501237, 4501238, 4501239, 4509999];

export interface Reply<T> {
  status: number;
  headers: Headers;
  /** The raw body ('' when there is none). */
  text: string;
  body: T;
}
export interface ErrorBody {
  error: string;
  error_description: string;
  maxActiveAgents?: number;
}
export interface AuthErrorBody {
  error: string;
  errorDescription: string;
}
export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  id_token: string;
}
export type AgentResult = { success: true; agentId: number } | { success: false; error: string };
export interface ResultSetBody {
  resultSet: { errorCount: number; agentResults: AgentResult[] };
}
export interface SkillAgentsBody {
  totalRecords: number;
  hiddenAgents: number;
  agentSkillAssignments: Array<{
    agentId: number;
    userId: string;
    skillId: number;
    agentProficiencyValue: number;
    isActive: boolean;
    isOutbound: boolean;
    outboundStrategy: string;
    campaignId: number;
  }>;
}
export interface AgentsBody {
  totalRecords: number;
  agents: Array<{ agentId: number; userId: string }>;
}
export interface Member {
  agentId: number;
  userId: string;
  isActive: boolean;
  proficiency: number;
}
export interface StateBody {
  skills: Record<string, Member[]>;
}

export type CallInit = Omit<RequestInit, 'body'> & {
  json?: unknown;
  form?: Record<string, string>;
  token?: string;
};

export async function call<T = ErrorBody>(
  base: string,
  path: string,
  init: CallInit = {},
): Promise<Reply<T>> {
  const { json, form, token, ...rest } = init;
  const headers = new Headers(rest.headers);
  let body: string | undefined;
  if (json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(json);
  }
  if (form !== undefined) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(form).toString();
  }
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(`${base}${path}`, { ...rest, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

/** `Authorization: Basic` of the raw `id:secret`, as CXone expects it. */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export function accessKeyForm(credentials: SandboxCredentials = SANDBOX_CREDENTIALS): Record<string, string> {
  return { grant_type: 'password', username: credentials.accessKeyId, password: credentials.accessKeySecret };
}

export async function adminToken(
  base: string,
  credentials: SandboxCredentials = SANDBOX_CREDENTIALS,
): Promise<TokenBody> {
  const reply = await call<TokenBody>(base, '/auth/token', {
    method: 'POST',
    headers: { authorization: basic(credentials.clientId, credentials.clientSecret) },
    form: accessKeyForm(credentials),
  });
  expect(reply.status).toBe(200);
  return reply.body;
}

export async function campaignToken(base: string): Promise<string> {
  const reply = await call<TokenBody>(base, '/oauth2/token', {
    method: 'POST',
    headers: { authorization: basic(SANDBOX_CREDENTIALS.clientId, SANDBOX_CREDENTIALS.clientSecret) },
    form: { grant_type: 'client_credentials' },
  });
  expect(reply.status).toBe(200);
  return reply.body.access_token;
}

export async function setFaults(base: string, faults: Record<string, unknown>): Promise<void> {
  const reply = await call(base, '/sandbox/faults', { method: 'PUT', json: faults });
  expect(reply.status).toBe(200);
}

export async function skillMembers(base: string, skillId = SKILL_ID): Promise<Member[]> {
  return (await call<StateBody>(base, '/sandbox/state')).body.skills[String(skillId)] ?? [];
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}
