import { createHash } from 'node:crypto';
import type { CxoneCredentials } from './credentials.ts';

/** What a token endpoint answered. */
export interface IssuedToken {
  accessToken: string;
  /** `expires_in`; when the server omits it we assume a short life and refresh early. */
  expiresInSeconds: number | undefined;
  idToken?: string;
}

export interface CachedToken {
  accessToken: string;
  idToken: string | undefined;
  expiresAt: number;
  /** After this instant a caller fetches a new token instead of using this one. */
  refreshAt: number;
}

const FIVE_MINUTES_MS = 5 * 60_000;
const ASSUMED_TTL_SECONDS = 300;

/** Refresh 5 min before expiry, or at half-life when the token lives less than 10 min. */
export function refreshAtFor(issuedAt: number, expiresInSeconds: number | undefined): number {
  const ttlMs = Math.max(0, (expiresInSeconds ?? ASSUMED_TTL_SECONDS) * 1000);
  return issuedAt + ttlMs - Math.min(FIVE_MINUTES_MS, ttlMs / 2);
}

/** A cache key that changes when any credential changes (rotation ⇒ new token) and reveals none of them. */
export function credentialsFingerprint(credentials: CxoneCredentials): string {
  const parts = [
    credentials.issuer,
    credentials.clientId,
    credentials.clientSecret,
    credentials.accessKeyId ?? '',
    credentials.accessKeySecret ?? '',
    credentials.clientAuthMethod ?? '',
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

interface Entry {
  token?: CachedToken;
  inFlight?: Promise<CachedToken>;
}

/**
 * Access tokens per credential. Concurrent callers that find no fresh token share ONE in-flight request; a failed
 * request is not cached, the next caller tries again.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  get(key: string, requestToken: () => Promise<IssuedToken>): Promise<CachedToken> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {};
      this.entries.set(key, entry);
    }
    if (entry.token && this.now() < entry.token.refreshAt) return Promise.resolve(entry.token);
    if (entry.inFlight) return entry.inFlight;

    const current = entry;
    const inFlight = requestToken()
      .then((issued) => {
        const issuedAt = this.now();
        const ttlMs = (issued.expiresInSeconds ?? ASSUMED_TTL_SECONDS) * 1000;
        const token: CachedToken = {
          accessToken: issued.accessToken,
          idToken: issued.idToken,
          expiresAt: issuedAt + ttlMs,
          refreshAt: refreshAtFor(issuedAt, issued.expiresInSeconds),
        };
        current.token = token;
        return token;
      })
      .finally(() => {
        if (current.inFlight === inFlight) current.inFlight = undefined;
      });
    current.inFlight = inFlight;
    return inFlight;
  }

  /** Forget `accessToken` after a 401, unless a newer token already replaced it (then callers use that one). */
  invalidate(key: string, accessToken: string): void {
    const entry = this.entries.get(key);
    if (entry?.token?.accessToken === accessToken) entry.token = undefined;
  }
}
