import {
  CxoneHttpError,
  headerValue,
  methodNotAllowed,
  parseBasicAuth,
  parseFormBody,
  type RouteResult,
} from '../http.ts';
import type { SandboxRequest, SandboxRuntime } from '../runtime.ts';
import { SANDBOX_AREA, SANDBOX_BUSINESS_UNIT_ID } from '../seed.ts';
import { buildIdToken } from '../tokens.ts';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * `POST /auth/token` (real CXone, access-key password grant, plus refresh_token) and `POST /oauth2/token` (the
 * original spec's client-credentials endpoint — NOT a public CXone API, kept for the `campaign-agents` target).
 */
export function routeToken(runtime: SandboxRuntime, request: SandboxRequest): RouteResult | undefined {
  if (request.path !== '/auth/token' && request.path !== '/oauth2/token') return undefined;
  if (request.method !== 'POST') throw methodNotAllowed(request, 'POST');
  const form = parseFormBody(request.body, headerValue(request.headers, 'content-type'));
  const clientId = authenticateClient(runtime, request, form);
  return request.path === '/auth/token'
    ? accessKeyGrant(runtime, form, clientId)
    : clientCredentialsGrant(runtime, form);
}

/**
 * Client authentication, either method, never both (RFC 6749 §2.3): `client_secret_basic` (Authorization: Basic of
 * the raw `clientId:clientSecret` on CXone's /auth/token, form-encoded parts on /oauth2/token; see parseBasicAuth)
 * or `client_secret_post` (client_id and client_secret in the form, form-decoded like every form field).
 */
function authenticateClient(
  runtime: SandboxRuntime,
  request: SandboxRequest,
  form: Record<string, string>,
): string {
  const basic = parseBasicAuth(headerValue(request.headers, 'authorization'), {
    formEncoded: request.path === '/oauth2/token',
  });
  const inForm = form.client_id !== undefined || form.client_secret !== undefined;
  if (basic && inForm) {
    throw new CxoneHttpError(400, 'invalid_request', 'Use one client authentication method, not both');
  }
  const client = basic ?? { id: form.client_id ?? '', secret: form.client_secret ?? '' };
  const expected = runtime.credentials;
  if (client.id !== expected.clientId || client.secret !== expected.clientSecret) {
    throw new CxoneHttpError(401, 'invalid_client', 'Client authentication failed', {
      'WWW-Authenticate': 'Basic realm="cxone-sandbox"',
    });
  }
  return client.id;
}

function accessKeyGrant(
  runtime: SandboxRuntime,
  form: Record<string, string>,
  clientId: string,
): RouteResult {
  const grantType = form.grant_type;
  if (grantType === 'password') {
    if (!form.username || !form.password) {
      throw new CxoneHttpError(400, 'invalid_request', 'username and password are required');
    }
    if (
      form.username !== runtime.credentials.accessKeyId ||
      form.password !== runtime.credentials.accessKeySecret
    ) {
      throw new CxoneHttpError(401, 'invalid_grant', 'Invalid access key');
    }
  } else if (grantType === 'refresh_token') {
    if (!form.refresh_token || !runtime.tokens.redeemRefreshToken(form.refresh_token)) {
      throw new CxoneHttpError(401, 'invalid_grant', 'Invalid or expired refresh token');
    }
  } else {
    throw unsupportedGrant(grantType);
  }
  const ttlSeconds = runtime.tokenTtlSeconds();
  const issued = runtime.tokens.issue(ttlSeconds);
  const idToken = buildIdToken({
    issuer: runtime.baseUrl,
    clientId,
    subject: runtime.credentials.accessKeyId,
    tenantId: runtime.tenantId,
    businessUnitId: SANDBOX_BUSINESS_UNIT_ID,
    area: SANDBOX_AREA,
    issuedAtSeconds: Math.floor(runtime.now() / 1000),
    ttlSeconds,
  });
  return {
    status: 200,
    headers: NO_STORE,
    body: {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      refresh_token: issued.refreshToken,
      id_token: idToken,
    },
  };
}

function clientCredentialsGrant(runtime: SandboxRuntime, form: Record<string, string>): RouteResult {
  if (form.grant_type !== 'client_credentials') throw unsupportedGrant(form.grant_type);
  const issued = runtime.tokens.issue(runtime.tokenTtlSeconds());
  return {
    status: 200,
    headers: NO_STORE,
    body: { access_token: issued.accessToken, expires_in: issued.expiresIn, token_type: 'Bearer' },
  };
}

function unsupportedGrant(grantType: string | undefined): CxoneHttpError {
  return new CxoneHttpError(
    400,
    grantType ? 'unsupported_grant_type' : 'invalid_request',
    grantType ? `grant_type ${grantType} is not supported here` : 'grant_type is required',
  );
}
