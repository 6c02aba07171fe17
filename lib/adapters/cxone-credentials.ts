// CXone credentials from Secrets Manager (CXONE_SECRET_ID), cached for SECRETS_MAX_AGE_SECONDS by Powertools.
// Values never reach logs or error messages: errors name the secret and the fields, not their contents.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  type CredentialsProvider,
  type CxoneCredentials,
  type CxoneTargetName,
  parseCxoneCredentials,
} from '../cxone/credentials.ts';
import { CxoneCredentialsError } from '../cxone/errors.ts';

export const DEFAULT_SECRETS_MAX_AGE_SECONDS = 300;

// One client and one cache per Lambda container (AWS_ENDPOINT_URL points the SDK at moto locally).
let sharedProvider: SecretsProvider | undefined;

function defaultProvider(): SecretsProvider {
  sharedProvider ??= new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) });
  return sharedProvider;
}

export interface SecretsManagerCredentialsOptions {
  secretId: string;
  /** Which fields must be present (`admin` also needs the access key). */
  target: CxoneTargetName;
  maxAgeSeconds?: number;
  /** For tests; the default shares one SecretsProvider per container. */
  secretsProvider?: SecretsProvider;
}

export function createSecretsManagerCredentials(
  options: SecretsManagerCredentialsOptions,
): CredentialsProvider {
  const { secretId, target } = options;
  const maxAge = options.maxAgeSeconds ?? DEFAULT_SECRETS_MAX_AGE_SECONDS;
  const provider = options.secretsProvider ?? defaultProvider();
  let refreshing: Promise<CxoneCredentials> | undefined;

  async function read(forceFetch: boolean): Promise<CxoneCredentials> {
    const raw = await provider.get(secretId, { maxAge, forceFetch });
    const text =
      typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : '';
    if (text === '') throw new CxoneCredentialsError(`CXone credentials secret ${secretId} has no value`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // No `cause`: V8's JSON error quotes part of the text, which would be the secret.
      throw new CxoneCredentialsError(`CXone credentials secret ${secretId} is not valid JSON`);
    }
    return parseCxoneCredentials(value, target, `credentials secret ${secretId}`);
  }

  return {
    get: () => read(false),
    // Concurrent callers that all saw an auth failure share one forced re-read.
    refresh: () => {
      refreshing ??= read(true).finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
  };
}
