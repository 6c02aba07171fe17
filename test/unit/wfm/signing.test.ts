import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  InvalidSigningSecretError,
  parseSigningSecret,
  signingSecretsOf,
  signWebhook,
  WfmSigningSecretSchema,
} from '../../../lib/wfm/signing.ts';

const newSecret = (bytes = 32) => `whsec_${randomBytes(bytes).toString('base64')}`;
const SECRET = newSecret();
const PREVIOUS = newSecret(24);
const nowSeconds = () => Math.floor(Date.now() / 1000);

const BODIES = [
  '{"specversion":"1.0","id":"a1","data":{}}',
  '{"name":"Zoë Ångström","note":"héllo — 日本語 ✓ 🚀"}',
  '',
  ' {"spaced" : true}\n',
  'x'.repeat(20_000),
];

describe('signWebhook', () => {
  it.each(BODIES.map((body) => [body.slice(0, 30), body]))(
    'matches standardwebhooks sign for %j',
    (_, body) => {
      const timestamp = nowSeconds();
      const headers = signWebhook({ id: 'msg_2b5cb8f4', timestamp, body, secrets: [SECRET] });
      const reference = new Webhook(SECRET).sign('msg_2b5cb8f4', new Date(timestamp * 1000), body);
      expect(headers['webhook-signature']).toBe(reference);
      expect(headers['webhook-id']).toBe('msg_2b5cb8f4');
      expect(headers['webhook-timestamp']).toBe(String(timestamp));
    },
  );

  it.each(BODIES.filter((body) => body.trim().startsWith('{')))(
    'is verified by standardwebhooks verify',
    (body) => {
      const headers = signWebhook({ id: 'evt-1', timestamp: nowSeconds(), body, secrets: [SECRET] });
      expect(new Webhook(SECRET).verify(body, { ...headers })).toEqual(JSON.parse(body));
    },
  );

  it('matches the Standard Webhooks spec example signature', () => {
    // Test vector from the standard-webhooks JavaScript library tests.
    const headers = signWebhook({
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    });
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('fails verification with another secret', () => {
    const body = '{"a":1}';
    const headers = signWebhook({ id: 'evt-1', timestamp: nowSeconds(), body, secrets: [SECRET] });
    expect(() => new Webhook(newSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('fails verification when the body changed by one character', () => {
    const headers = signWebhook({ id: 'evt-1', timestamp: nowSeconds(), body: '{"a":1}', secrets: [SECRET] });
    expect(() => new Webhook(SECRET).verify('{"a":2}', { ...headers })).toThrow(WebhookVerificationError);
  });

  it('fails verification when the timestamp is more than 5 minutes old', () => {
    const body = '{"a":1}';
    const headers = signWebhook({ id: 'evt-1', timestamp: nowSeconds() - 6 * 60, body, secrets: [SECRET] });
    expect(() => new Webhook(SECRET).verify(body, { ...headers })).toThrow(/too old/);
  });

  it('sends one signature per secret during rotation, each verifiable with its secret alone', () => {
    const body = '{"rotation":"ünïcode"}';
    const headers = signWebhook({
      id: 'evt-rot',
      timestamp: nowSeconds(),
      body,
      secrets: [SECRET, PREVIOUS],
    });
    const signatures = headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((signature) => signature.startsWith('v1,'))).toBe(true);
    expect(signatures[0]).not.toBe(signatures[1]);
    expect(new Webhook(SECRET).verify(body, { ...headers })).toEqual({ rotation: 'ünïcode' });
    expect(new Webhook(PREVIOUS).verify(body, { ...headers })).toEqual({ rotation: 'ünïcode' });
    expect(() => new Webhook(newSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('refuses an id with a dot, an empty id and a non-integer timestamp', () => {
    const base = { id: 'evt-1', timestamp: 1, body: '{}', secrets: [SECRET] };
    expect(() => signWebhook({ ...base, id: 'a.b' })).toThrow(TypeError);
    expect(() => signWebhook({ ...base, id: '' })).toThrow(TypeError);
    expect(() => signWebhook({ ...base, timestamp: 1.5 })).toThrow(TypeError);
    expect(() => signWebhook({ ...base, timestamp: -1 })).toThrow(TypeError);
  });

  it('refuses an empty secret list and a malformed secret without echoing it', () => {
    expect(() => signWebhook({ id: 'e', timestamp: 1, body: '{}', secrets: [] })).toThrow(
      InvalidSigningSecretError,
    );
    const leaked = 'whsec_not*base64*SUPERSECRETVALUE';
    try {
      signWebhook({ id: 'e', timestamp: 1, body: '{}', secrets: [SECRET, leaked] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSigningSecretError);
      expect((error as Error).message).toContain('#2');
      expect((error as Error).message).not.toContain('SUPERSECRETVALUE');
    }
  });
});

describe('parseSigningSecret', () => {
  it('decodes whsec_<base64> into the key bytes', () => {
    const key = randomBytes(32);
    expect(parseSigningSecret(`whsec_${key.toString('base64')}`).equals(key)).toBe(true);
  });

  it.each([
    ['no prefix', randomBytes(32).toString('base64')],
    ['wrong prefix', `whsk_${randomBytes(32).toString('base64')}`],
    ['empty after prefix', 'whsec_'],
    ['not base64', 'whsec_%%%%SUPERSECRETVALUE%%%%%%%%%%%%'],
    ['bad padding', `whsec_${randomBytes(32).toString('base64').replace('=', '')}`],
    ['too short (16 bytes)', `whsec_${randomBytes(16).toString('base64')}`],
    ['whitespace', ` whsec_${randomBytes(32).toString('base64')}`],
  ])('refuses %s with a message that names the secret but not its value', (_, secret) => {
    try {
      parseSigningSecret(secret, 'current');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSigningSecretError);
      // A fixed message: nothing of the value can leak into it.
      expect((error as Error).message).toBe(
        'current is malformed: expected "whsec_" followed by the base64 of at least 24 random bytes',
      );
    }
  });

  it('refuses a non-string value', () => {
    expect(() => parseSigningSecret(undefined as unknown as string)).toThrow(InvalidSigningSecretError);
  });
});

describe('WfmSigningSecretSchema', () => {
  it('accepts current alone and current + previous', () => {
    expect(WfmSigningSecretSchema.parse({ current: SECRET })).toEqual({ current: SECRET });
    expect(WfmSigningSecretSchema.parse({ current: SECRET, previous: PREVIOUS })).toEqual({
      current: SECRET,
      previous: PREVIOUS,
    });
  });

  it('treats previous null or "" as no rotation', () => {
    expect(signingSecretsOf(WfmSigningSecretSchema.parse({ current: SECRET, previous: null }))).toEqual([
      SECRET,
    ]);
    expect(signingSecretsOf(WfmSigningSecretSchema.parse({ current: SECRET, previous: '' }))).toEqual([
      SECRET,
    ]);
  });

  it('refuses a missing or malformed current and never puts the secret in the error', () => {
    expect(WfmSigningSecretSchema.safeParse({}).success).toBe(false);
    const bad = 'whsec_short+SUPERSECRETVALUE';
    const result = WfmSigningSecretSchema.safeParse({ current: SECRET, previous: bad });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['previous']);
    expect(JSON.stringify(result.error?.issues)).not.toContain('SUPERSECRETVALUE');
    expect(result.error?.message).not.toContain('SUPERSECRETVALUE');
  });
});

describe('signingSecretsOf', () => {
  it('lists current first, then previous, and drops a previous equal to current', () => {
    expect(signingSecretsOf({ current: SECRET, previous: PREVIOUS })).toEqual([SECRET, PREVIOUS]);
    expect(signingSecretsOf({ current: SECRET, previous: SECRET })).toEqual([SECRET]);
    expect(signingSecretsOf({ current: SECRET })).toEqual([SECRET]);
  });
});
