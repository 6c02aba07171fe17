// Endpoint signing secrets encrypted with the stage's KMS key (a customer-managed symmetric key) and kept, as
// ciphertext, in the endpoint's own DynamoDB item. The encryption context binds each ciphertext to its endpoint: a
// ciphertext copied into another endpoint's item does not decrypt, and IAM grants Encrypt/Decrypt only for this
// purpose. Decrypted secrets are cached in memory by ciphertext (a rotation gives a new ciphertext) for a while.
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SecretSealer } from '../app/webhook-ports.ts';

/** `kms:EncryptionContext:purpose` of every endpoint secret; the IAM policies of the key's users require it. */
export const SECRET_PURPOSE = 'webhook-signing-secret';
const MAX_CACHED = 500;

export interface KmsSecretSealerOptions {
  /** Key id or ARN. */
  keyId: string;
  /** How long a decrypted secret is reused (0: never). */
  maxAgeSeconds: number;
  now?: () => number;
}

export class KmsSecretSealer implements SecretSealer {
  private readonly kms: KMSClient;
  private readonly options: KmsSecretSealerOptions;
  private readonly cache = new Map<string, { secret: string; until: number }>();

  constructor(kms: KMSClient, options: KmsSecretSealerOptions) {
    this.kms = kms;
    this.options = options;
  }

  async seal(secret: string, endpointId: string): Promise<string> {
    const out = await this.kms.send(
      new EncryptCommand({
        KeyId: this.options.keyId,
        Plaintext: Buffer.from(secret, 'utf8'),
        EncryptionContext: contextOf(endpointId),
      }),
    );
    if (!out.CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
    return Buffer.from(out.CiphertextBlob).toString('base64');
  }

  async open(sealed: string, endpointId: string): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const cacheKey = `${endpointId}:${sealed}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > now) return cached.secret;
    const out = await this.kms.send(
      new DecryptCommand({
        KeyId: this.options.keyId,
        CiphertextBlob: Buffer.from(sealed, 'base64'),
        EncryptionContext: contextOf(endpointId),
      }),
    );
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no plaintext');
    const secret = Buffer.from(out.Plaintext).toString('utf8');
    if (this.options.maxAgeSeconds > 0) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(cacheKey, { secret, until: now + this.options.maxAgeSeconds * 1000 });
    }
    return secret;
  }
}

function contextOf(endpointId: string): Record<string, string> {
  return { purpose: SECRET_PURPOSE, endpointId };
}
