import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A JSON Web Key as `/auth/jwks` lists it. */
export interface PublicJwk {
  kty: string;
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

interface SigningKey {
  privateKey: KeyObject;
  jwk: PublicJwk;
}

let processKey: SigningKey | undefined;

/**
 * The RSA key that signs id_tokens (RS256, as CXone's are), made once per process on first use: a local key,
 * never persisted, so every sandbox in the process publishes the same JWKS.
 */
export function signingKey(): SigningKey {
  if (!processKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { n, e, kty } = publicKey.export({ format: 'jwk' });
    processKey = {
      privateKey,
      jwk: { kty: kty ?? 'RSA', use: 'sig', alg: 'RS256', kid: 'sandbox-1', n: n ?? '', e: e ?? '' },
    };
  }
  return processKey;
}

/** A compact JWS (RFC 7515) of the payload, RS256 with the process key. */
export function signJwt(payload: object): string {
  const { privateKey, jwk } = signingKey();
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: jwk.kid })}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
  return `${input}.${signature}`;
}
