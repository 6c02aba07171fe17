import { CxoneHttpError, headerValue, parseBearer } from '../http.ts';
import type { SandboxRequest, SandboxRuntime } from '../runtime.ts';

/** 401 `invalid_token` unless the request carries a valid bearer token (missing, unknown, expired, revoked). */
export function requireToken(runtime: SandboxRuntime, request: SandboxRequest): void {
  const token = parseBearer(headerValue(request.headers, 'authorization'));
  const check = token === undefined ? 'missing' : runtime.tokens.check(token);
  if (check === 'valid') return;
  const description = {
    missing: 'Invalid or expired token: a bearer token is required',
    unknown: 'Invalid or expired token: unknown or revoked',
    expired: 'Invalid or expired token: expired',
  }[check];
  throw new CxoneHttpError(401, 'invalid_token', description, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });
}
