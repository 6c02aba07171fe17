import { randomBytes } from 'node:crypto';
import { signJwt } from './signing-key.ts';

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
const PRUNE_ABOVE = 10_000;
/** Test-only record of issued tokens (GET /sandbox/tokens) keeps the most recent this many. */
const ISSUED_HISTORY_LIMIT = 10_000;

export type TokenCheck = 'valid' | 'unknown' | 'expired';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Opaque bearer tokens issued by both token endpoints; any valid one opens every API route. */
export class TokenStore {
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Map<string, number>();
  /** Every pair issued, revoked and expired ones included (tests check that none of them leaks anywhere). */
  private readonly history: { accessToken: string; refreshToken: string }[] = [];
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  issue(ttlSeconds: number): IssuedTokens {
    this.pruneExpired();
    const nowMs = this.now();
    const accessToken = `sbx_at_${randomBytes(24).toString('base64url')}`;
    const refreshToken = `sbx_rt_${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, nowMs + ttlSeconds * 1000);
    // Like CXone's legacy token service: the refresh token outlives the access token (3600 s vs 7200 s).
    this.refreshTokens.set(refreshToken, nowMs + 2 * ttlSeconds * 1000);
    this.history.push({ accessToken, refreshToken });
    if (this.history.length > ISSUED_HISTORY_LIMIT) this.history.shift();
    return { accessToken, refreshToken, expiresIn: ttlSeconds };
  }

  /** The tokens issued so far, oldest first, whether still valid or not. */
  issuedSoFar(): readonly { accessToken: string; refreshToken: string }[] {
    return this.history;
  }

  check(accessToken: string): TokenCheck {
    const expiresAtMs = this.accessTokens.get(accessToken);
    if (expiresAtMs === undefined) return 'unknown';
    return this.now() < expiresAtMs ? 'valid' : 'expired';
  }

  /** Consumes a refresh token; true when it was valid. */
  redeemRefreshToken(refreshToken: string): boolean {
    const expiresAtMs = this.refreshTokens.get(refreshToken);
    this.refreshTokens.delete(refreshToken);
    return expiresAtMs !== undefined && this.now() < expiresAtMs;
  }

  revokeAll(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  private pruneExpired(): void {
    if (this.accessTokens.size + this.refreshTokens.size < PRUNE_ABOVE) return;
    const nowMs = this.now();
    for (const tokens of [this.accessTokens, this.refreshTokens]) {
      for (const [token, expiresAtMs] of tokens) if (expiresAtMs <= nowMs) tokens.delete(token);
    }
  }
}

/**
 * An RS256-signed JWT (key at `/auth/jwks`) carrying the claims CXone's id_token has and clients read:
 * `tenantId`, `iss`, `icBUId`, `icClusterId`, `area`.
 */
export function buildIdToken(claims: {
  issuer: string;
  clientId: string;
  subject: string;
  tenantId: string;
  businessUnitId: number;
  area: string;
  issuedAtSeconds: number;
  ttlSeconds: number;
}): string {
  return signJwt({
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.clientId,
    iat: claims.issuedAtSeconds,
    exp: claims.issuedAtSeconds + claims.ttlSeconds,
    tenantId: claims.tenantId,
    icBUId: claims.businessUnitId,
    icClusterId: 'LOCAL1',
    area: claims.area,
  });
}
