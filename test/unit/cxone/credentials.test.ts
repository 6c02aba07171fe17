import { describe, expect, it } from 'vitest';
import { parseCxoneCredentials } from '../../../lib/cxone/credentials.ts';
import { CxoneCredentialsError } from '../../../lib/cxone/errors.ts';

const full = {
  clientId: 'client-id',
  clientSecret: 'client-secret-value',
  accessKeyId: 'key-id',
  accessKeySecret: 'key-secret-value',
  issuer: 'https://cxone.niceincontact.com/',
};

describe('parseCxoneCredentials', () => {
  it('accepts the full secret and trims the issuer’s trailing slash', () => {
    expect(parseCxoneCredentials({ ...full, tenantId: 't-1', note: 'ignored' }, 'admin')).toEqual({
      ...full,
      issuer: 'https://cxone.niceincontact.com',
      tenantId: 't-1',
    });
  });

  it('requires the access key for the admin target only', () => {
    const { accessKeyId: _id, accessKeySecret: _secret, ...clientOnly } = full;
    expect(() => parseCxoneCredentials(clientOnly, 'admin')).toThrow(/accessKeyId.*accessKeySecret/);
    expect(parseCxoneCredentials(clientOnly, 'campaign-agents').clientId).toBe('client-id');
  });

  it('names bad fields without echoing any value', () => {
    const error = (() => {
      try {
        parseCxoneCredentials({ ...full, clientSecret: '', issuer: 'not a url key-secret-value' }, 'admin');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(CxoneCredentialsError);
    expect(error?.message).toContain('clientSecret');
    expect(error?.message).toContain('issuer');
    expect(error?.message).not.toContain('key-secret-value');
    expect(error?.message).not.toContain('not a url');
  });

  it('refuses a non-object', () => {
    expect(() => parseCxoneCredentials('just a string', 'campaign-agents')).toThrow(CxoneCredentialsError);
  });
});
