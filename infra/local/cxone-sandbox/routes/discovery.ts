import { CxoneHttpError, methodNotAllowed, type RouteResult } from '../http.ts';
import type { SandboxRequest, SandboxRuntime } from '../runtime.ts';
import { SANDBOX_AREA } from '../seed.ts';
import { signingKey } from '../signing-key.ts';

/** Discovery and JWKS paths: never faulted. */
export function isDiscoveryPath(path: string): boolean {
  return path.startsWith('/.well-known/') || path === '/auth/jwks';
}

/** OpenID and CXone discovery documents (both point at the sandbox itself) and the id_token signing key. */
export function routeDiscovery(runtime: SandboxRuntime, request: SandboxRequest): RouteResult | undefined {
  const base = runtime.baseUrl;
  switch (request.path) {
    case '/.well-known/openid-configuration':
      requireGet(request);
      return {
        status: 200,
        body: {
          issuer: base,
          authorization_endpoint: `${base}/auth/authorize`,
          token_endpoint: `${base}/auth/token`,
          jwks_uri: `${base}/auth/jwks`,
          end_session_endpoint: `${base}/auth/authorize/logout`,
          scopes_supported: ['openid'],
          response_types_supported: ['code'],
          grant_types_supported: ['password', 'refresh_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          // As NICE's discovery document lists it; client_secret_post is accepted too, as the token schema allows.
          token_endpoint_auth_methods_supported: ['client_secret_basic'],
        },
      };
    case '/auth/jwks':
      requireGet(request);
      return { status: 200, body: { keys: [signingKey().jwk] } };
    case '/.well-known/cxone-configuration':
      requireGet(request);
      return cxoneConfiguration(runtime, request.query.get('tenantId'));
    default:
      return undefined;
  }
}

function cxoneConfiguration(runtime: SandboxRuntime, tenantId: string | null): RouteResult {
  if (!tenantId) throw new CxoneHttpError(400, 'invalid_request', 'tenantId is required');
  if (tenantId.toLowerCase() !== runtime.tenantId) {
    throw new CxoneHttpError(404, 'not_found', `Tenant ${tenantId} not found`);
  }
  const base = runtime.baseUrl;
  const domain = new URL(base).host;
  return {
    status: 200,
    body: {
      private: false,
      ui_endpoint: base,
      auth_endpoint: base,
      api_endpoint: base,
      area: SANDBOX_AREA,
      cluster: 'LOCAL1',
      domain,
      acdDomain: domain,
      uhDomain: domain,
      tenantId: runtime.tenantId,
    },
  };
}

function requireGet(request: SandboxRequest): void {
  if (request.method !== 'GET') throw methodNotAllowed(request, 'GET');
}
