// What both targets share: credentials (re-read once when CXone refuses them), the per-tenant rate limiter,
// the token cache, and bearer calls that retry once with a fresh token after a 401.
import {
  type CredentialsProvider,
  type CxoneCredentials,
  type CxoneTargetName,
  parseCxoneCredentials,
} from './credentials.ts';
import { CxoneAuthError, CxonePermanentError } from './errors.ts';
import { type CxoneRequest, type CxoneResponse, type HttpOptions, isRecord, sendWithRetry } from './http.ts';
import type { RequestLimiter, TenantLimiters } from './rate-limiter.ts';
import {
  type CachedToken,
  credentialsFingerprint,
  type IssuedToken,
  type TokenCache,
} from './token-cache.ts';
import type { CallContext } from './types.ts';

export interface ClientRuntime {
  target: CxoneTargetName;
  http: HttpOptions;
  credentials: CredentialsProvider;
  tokens: TokenCache;
  limiters: TenantLimiters;
}

export interface Session {
  credentials: CxoneCredentials;
  tokenKey: string;
  /** Shared by every call for this tenant, token requests included. */
  limiter: RequestLimiter;
}

export type TokenRequester = (session: Session, ctx: CallContext) => Promise<IssuedToken>;

export type AuthorizedRequest = Omit<CxoneRequest, 'limiter'>;

function openSession(runtime: ClientRuntime, raw: CxoneCredentials): Session {
  const credentials = parseCxoneCredentials(raw, runtime.target);
  const tenant = credentials.tenantId ?? credentials.accessKeyId ?? credentials.clientId;
  return {
    credentials,
    tokenKey: credentialsFingerprint(credentials),
    limiter: runtime.limiters.forTenant(`${credentials.issuer}|${tenant}`),
  };
}

/**
 * Runs `operation` with the current credentials. When CXone refuses them (CxoneAuthError: token request refused,
 * or 401 even with a fresh token), the secret is re-read once and, if it changed (rotation), `operation` runs again.
 * Running it again is safe: a converge re-reads CXone before it writes.
 */
export async function withSession<T>(
  runtime: ClientRuntime,
  operation: (session: Session) => Promise<T>,
): Promise<T> {
  const credentials = await runtime.credentials.get();
  const session = openSession(runtime, credentials);
  try {
    return await operation(session);
  } catch (error) {
    if (!(error instanceof CxoneAuthError)) throw error;
    const fresh = openSession(runtime, await runtime.credentials.refresh());
    if (fresh.tokenKey === session.tokenKey) throw error;
    return await operation(fresh);
  }
}

/** An unauthenticated call (discovery, token) under the tenant's rate limit. */
export function sendPublic(runtime: ClientRuntime, session: Session, request: AuthorizedRequest) {
  return sendWithRetry(runtime.http, { ...request, limiter: session.limiter });
}

/** A bearer call; after a 401 one more try with a new token (concurrent callers share one token request). */
export async function sendAuthorized(
  runtime: ClientRuntime,
  session: Session,
  requestToken: TokenRequester,
  request: AuthorizedRequest,
): Promise<CxoneResponse> {
  const token = await getToken(runtime, session, requestToken, request.ctx);
  try {
    return await sendWithBearer(runtime, session, request, token);
  } catch (error) {
    if (!(error instanceof CxoneAuthError) || error.status !== 401) throw error;
    runtime.tokens.invalidate(session.tokenKey, token.accessToken);
    const fresh = await getToken(runtime, session, requestToken, request.ctx);
    return await sendWithBearer(runtime, session, request, fresh);
  }
}

export function getToken(
  runtime: ClientRuntime,
  session: Session,
  requestToken: TokenRequester,
  ctx: CallContext,
): Promise<CachedToken> {
  return runtime.tokens.get(session.tokenKey, () => requestToken(session, ctx));
}

function sendWithBearer(
  runtime: ClientRuntime,
  session: Session,
  request: AuthorizedRequest,
  token: CachedToken,
) {
  return sendWithRetry(runtime.http, {
    ...request,
    headers: { ...request.headers, Authorization: `Bearer ${token.accessToken}` },
    limiter: session.limiter,
  });
}

/**
 * How `client_secret_basic` encodes the pair: `raw` base64s `clientId:clientSecret` as they are, which is what clients
 * that work against CXone's /auth/token send; `form-encoded` form-encodes each part first (RFC 6749 §2.3.1), which is
 * what the campaign-agents contract's OAuth server expects.
 */
export type BasicEncoding = 'raw' | 'form-encoded';

/** `Authorization: Basic` for OAuth client authentication. */
export function basicAuth(clientId: string, clientSecret: string, encoding: BasicEncoding): string {
  const encode = (value: string) =>
    encoding === 'raw' ? value : encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/**
 * POSTs an OAuth token form, the client authenticated by the secret's `clientAuthMethod` (Basic by default, or
 * `client_id`/`client_secret` in the form). A refusal (400 invalid_grant/invalid_client, 401, 403) becomes a
 * CxoneAuthError so withSession re-reads the secret; throttling and outages stay retryable.
 */
export async function postTokenForm(
  runtime: ClientRuntime,
  session: Session,
  url: string,
  form: URLSearchParams,
  ctx: CallContext,
  basicEncoding: BasicEncoding,
): Promise<IssuedToken> {
  const operation = 'POST token';
  const { clientId, clientSecret, clientAuthMethod } = session.credentials;
  const body = new URLSearchParams(form);
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (clientAuthMethod === 'client_secret_post') {
    body.set('client_id', clientId);
    body.set('client_secret', clientSecret);
  } else {
    headers.Authorization = basicAuth(clientId, clientSecret, basicEncoding);
  }
  let answer: unknown;
  try {
    ({ body: answer } = await sendPublic(runtime, session, {
      method: 'POST',
      url,
      operation,
      headers,
      body,
      ctx,
    }));
  } catch (error) {
    const refused =
      error instanceof CxoneAuthError ||
      (error instanceof CxonePermanentError && (error.status === 400 || error.status === 403));
    if (!refused) throw error;
    throw new CxoneAuthError(`CXone refused the credentials: ${error.message}`, {
      status: error.status,
      code: error.code,
      operation,
      cause: error,
    });
  }
  if (!isRecord(answer) || typeof answer.access_token !== 'string' || answer.access_token === '') {
    throw new CxonePermanentError('POST token: the answer has no access_token', { operation });
  }
  const expiresIn = Number(answer.expires_in);
  return {
    accessToken: answer.access_token,
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
    ...(typeof answer.id_token === 'string' ? { idToken: answer.id_token } : {}),
  };
}
