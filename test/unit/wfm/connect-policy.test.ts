import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  connectLookup,
  type HostResolver,
  type WebhookTargetPolicy,
  WebhookTargetRefusedError,
  WebhookTargetUnresolvedError,
} from '../../../lib/wfm/url-policy.ts';

// connectLookup is the `lookup` of the webhook sockets: what it answers is what they connect to.

const DNS: Record<string, string[]> = {
  'wfm.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'loop.example.com': ['127.0.0.1'],
  'mixed.example.com': ['93.184.215.14', '10.0.0.8'],
  'metadata.example.com': ['169.254.169.254'],
  'v4only.example.com': ['93.184.215.14'],
};
const resolve: HostResolver = async (host) => {
  const answer = DNS[host];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return answer;
};

interface Answer {
  error: Error | null;
  address: string | LookupAddress[];
  family?: number;
}

function lookup(
  hostname: string,
  policy: WebhookTargetPolicy,
  options: { family?: number | string; all?: boolean } = {},
): Promise<Answer> {
  return new Promise((done) => {
    connectLookup(policy)(hostname, options, (error, address, family) => done({ error, address, family }));
  });
}

describe('connectLookup, deployed (allowPrivate: false)', () => {
  const policy = { allowPrivate: false, resolve };

  it('answers a public name with its first address, or all of them when asked', async () => {
    expect(await lookup('wfm.example.com', policy)).toEqual({
      error: null,
      address: '93.184.215.14',
      family: 4,
    });
    expect((await lookup('wfm.example.com', policy, { all: true })).address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
    expect(await lookup('wfm.example.com', policy, { family: 6 })).toMatchObject({
      address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
      family: 6,
    });
  });

  it('fails the connection when the name resolves to loopback, private or link-local at connect time', async () => {
    for (const [host, address] of [
      ['loop.example.com', '127.0.0.1'],
      ['mixed.example.com', '10.0.0.8'],
      ['metadata.example.com', '169.254.169.254'],
    ] as const) {
      const { error } = await lookup(host, policy, { all: true });
      expect(error, host).toBeInstanceOf(WebhookTargetRefusedError);
      expect((error as WebhookTargetRefusedError).reason).toBe('address_not_allowed');
      expect(error?.message).toContain(`host ${host} resolves at connect time to ${address}`);
    }
  });

  it('refuses `localhost` as the system resolver answers it (127.0.0.1 / ::1)', async () => {
    const { error } = await lookup('localhost', { allowPrivate: false });
    expect(error).toBeInstanceOf(WebhookTargetRefusedError);
    expect((error as WebhookTargetRefusedError).reason).toBe('host_not_allowed');
  });

  it('reports a name that does not resolve, or has no address of the family asked, as unresolved', async () => {
    const missing = await lookup('nowhere.example.com', policy);
    expect(missing.error).toBeInstanceOf(WebhookTargetUnresolvedError);
    expect((missing.error as WebhookTargetUnresolvedError).code).toBe('ENOTFOUND');
    const noV6 = await lookup('v4only.example.com', policy, { family: 6 });
    expect((noV6.error as WebhookTargetUnresolvedError).code).toBe('NODATA');
  });
});

describe('connectLookup, local stack (allowPrivate: true)', () => {
  it('lets loopback and private addresses through, `localhost` from the system resolver included', async () => {
    expect(await lookup('loop.example.com', { allowPrivate: true, resolve })).toMatchObject({
      error: null,
      address: '127.0.0.1',
    });
    expect((await lookup('mixed.example.com', { allowPrivate: true, resolve })).error).toBeNull();
    const local = await lookup('localhost', { allowPrivate: true }, { all: true });
    expect(local.error).toBeNull();
    const addresses = (local.address as LookupAddress[]).map((a) => a.address);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(['127.0.0.1', '::1']).toContain(address);
  });

  it('still refuses link-local (cloud metadata) addresses', async () => {
    const { error } = await lookup('metadata.example.com', { allowPrivate: true, resolve });
    expect(error).toBeInstanceOf(WebhookTargetRefusedError);
  });
});
