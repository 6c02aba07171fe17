import { describe, expect, it } from 'vitest';
import {
  credentialsFingerprint,
  type IssuedToken,
  refreshAtFor,
  TokenCache,
} from '../../../lib/cxone/token-cache.ts';
import { fakeClock, T0 } from './fakes.ts';

const MINUTE = 60_000;

function issuer(ttlSeconds: number) {
  let count = 0;
  const requestToken = async (): Promise<IssuedToken> => {
    count++;
    return { accessToken: `token-${count}`, expiresInSeconds: ttlSeconds };
  };
  return { requestToken, count: () => count };
}

describe('refreshAtFor', () => {
  it('refreshes 5 minutes before expiry for hour-long tokens', () => {
    expect(refreshAtFor(T0, 3600)).toBe(T0 + 55 * MINUTE);
  });

  it('refreshes at half-life when the token lives under 10 minutes', () => {
    expect(refreshAtFor(T0, 120)).toBe(T0 + 60_000);
    expect(refreshAtFor(T0, 2)).toBe(T0 + 1000);
  });

  it('assumes a short life when expires_in is missing', () => {
    expect(refreshAtFor(T0, undefined)).toBe(T0 + 150_000);
  });
});

describe('TokenCache', () => {
  it('reuses a token until 5 minutes before it expires, then fetches a new one', async () => {
    const clock = fakeClock();
    const cache = new TokenCache(clock.now);
    const tokens = issuer(3600);
    expect((await cache.get('k', tokens.requestToken)).accessToken).toBe('token-1');
    clock.advance(55 * MINUTE - 1);
    expect((await cache.get('k', tokens.requestToken)).accessToken).toBe('token-1');
    clock.advance(1);
    expect((await cache.get('k', tokens.requestToken)).accessToken).toBe('token-2');
    expect(tokens.count()).toBe(2);
  });

  it('shares one in-flight token request among concurrent callers', async () => {
    const cache = new TokenCache(fakeClock().now);
    let release: () => void = () => {};
    let requests = 0;
    const requestToken = () => {
      requests++;
      return new Promise<IssuedToken>((resolve) => {
        release = () => resolve({ accessToken: 'shared', expiresInSeconds: 3600 });
      });
    };
    const pending = Array.from({ length: 20 }, () => cache.get('k', requestToken));
    release();
    const results = await Promise.all(pending);
    expect(requests).toBe(1);
    expect(new Set(results.map((token) => token.accessToken))).toEqual(new Set(['shared']));
  });

  it('does not cache a failed request: the next caller tries again', async () => {
    const cache = new TokenCache(fakeClock().now);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    const token = await cache.get('k', async () => ({ accessToken: 'ok', expiresInSeconds: 3600 }));
    expect(token.accessToken).toBe('ok');
  });

  it('keeps tokens per credential key', async () => {
    const cache = new TokenCache(fakeClock().now);
    const tokens = issuer(3600);
    await cache.get('a', tokens.requestToken);
    await cache.get('b', tokens.requestToken);
    await cache.get('a', tokens.requestToken);
    expect(tokens.count()).toBe(2);
  });

  it('invalidates a rejected token only if no newer token replaced it', async () => {
    const cache = new TokenCache(fakeClock().now);
    const tokens = issuer(3600);
    const first = await cache.get('k', tokens.requestToken);
    cache.invalidate('k', first.accessToken);
    const second = await cache.get('k', tokens.requestToken);
    cache.invalidate('k', first.accessToken); // a late 401 for the old token
    expect((await cache.get('k', tokens.requestToken)).accessToken).toBe(second.accessToken);
    expect(tokens.count()).toBe(2);
  });
});

describe('credentialsFingerprint', () => {
  const credentials = {
    issuer: 'https://cxone.example',
    clientId: 'client',
    clientSecret: 'secret-value',
    accessKeyId: 'key',
    accessKeySecret: 'key-secret',
  };

  it('changes when a secret rotates and reveals no credential', () => {
    const fingerprint = credentialsFingerprint(credentials);
    expect(credentialsFingerprint({ ...credentials, accessKeySecret: 'rotated' })).not.toBe(fingerprint);
    expect(credentialsFingerprint({ ...credentials })).toBe(fingerprint);
    expect(fingerprint).not.toContain('secret-value');
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
