import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretsManagerCredentials } from '../../../lib/adapters/cxone-credentials.ts';
import { CxoneCredentialsError } from '../../../lib/cxone/errors.ts';

const secretsManager = mockClient(SecretsManagerClient);

const secret = {
  clientId: 'client-id',
  clientSecret: 'client-secret-value',
  accessKeyId: 'key-id',
  accessKeySecret: 'key-secret-value',
  issuer: 'https://cxone.niceincontact.com',
};

function provider(target: 'admin' | 'campaign-agents' = 'admin', maxAgeSeconds = 300) {
  // A fresh Powertools cache per test; the SDK client is mocked for every instance.
  const secretsProvider = new SecretsProvider({
    awsSdkV3Client: new SecretsManagerClient({ region: 'us-east-1' }),
  });
  return createSecretsManagerCredentials({
    secretId: 'cxone/credentials',
    target,
    maxAgeSeconds,
    secretsProvider,
  });
}

beforeEach(() => secretsManager.reset());
afterEach(() => secretsManager.reset());

describe('Secrets Manager CXone credentials', () => {
  it('reads and validates the secret, then serves it from the cache', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(secret) });
    const credentials = provider();
    expect(await credentials.get()).toEqual(secret);
    expect(await credentials.get()).toEqual(secret);
    const calls = secretsManager.commandCalls(GetSecretValueCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ SecretId: 'cxone/credentials' });
  });

  it('refresh() bypasses the cache once and later gets see the new value', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(secret) })
      .resolves({ SecretString: JSON.stringify({ ...secret, accessKeySecret: 'rotated' }) });
    const credentials = provider();
    await credentials.get();
    const [a, b] = await Promise.all([credentials.refresh(), credentials.refresh()]);
    expect(a.accessKeySecret).toBe('rotated');
    expect(b.accessKeySecret).toBe('rotated');
    expect((await credentials.get()).accessKeySecret).toBe('rotated');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('re-reads after maxAge', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(secret) });
    const credentials = provider('admin', 0);
    await credentials.get();
    await credentials.get();
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('accepts a client-only secret for the campaign-agents target but not for admin', async () => {
    const { accessKeyId: _id, accessKeySecret: _secret, ...clientOnly } = secret;
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(clientOnly) });
    await expect(provider('campaign-agents').get()).resolves.toEqual(clientOnly);
    await expect(provider('admin').get()).rejects.toThrow(/accessKeyId/);
  });

  it('names the missing field, never a value', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ ...secret, issuer: 'key-secret-value is not a url' }) });
    const error = await provider()
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneCredentialsError);
    expect((error as Error).message).toContain('issuer');
    expect((error as Error).message).not.toContain('key-secret-value');
    expect((error as Error).message).not.toContain('client-secret-value');
  });

  it('reports malformed JSON without quoting it', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: '{"clientSecret": "client-secret-value",' });
    const error = await provider()
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxoneCredentialsError);
    expect((error as Error).message).toBe('CXone credentials secret cxone/credentials is not valid JSON');
    expect((error as Error).cause).toBeUndefined();
  });

  it('reads a binary secret too', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretBinary: new TextEncoder().encode(JSON.stringify(secret)) });
    await expect(provider().get()).resolves.toEqual(secret);
  });

  it('works with the shared module-level SecretsProvider', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(secret) });
    const credentials = createSecretsManagerCredentials({ secretId: 'cxone/shared', target: 'admin' });
    await expect(credentials.get()).resolves.toEqual(secret);
  });

  it('passes Secrets Manager failures on', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    await expect(provider().get()).rejects.toThrow(/AccessDenied/);
  });
});
