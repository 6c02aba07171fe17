import { describe, expect, it } from 'vitest';
import { classifyIpAddress } from '../../../lib/wfm/ip-address.ts';
import {
  checkWebhookTarget,
  type HostResolver,
  WebhookTargetRefusedError,
  WebhookTargetUnresolvedError,
} from '../../../lib/wfm/url-policy.ts';

const DNS: Record<string, string[]> = {
  'wfm.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example.com': ['10.1.2.3'],
  'mixed.example.com': ['93.184.215.14', '192.168.1.10'],
  'metadata.example.com': ['169.254.169.254'],
  'v6-ula.example.com': ['fd12:3456:789a::1'],
  'v6-mapped.example.com': ['::ffff:127.0.0.1'],
  'cgnat.example.com': ['100.64.0.7'],
  'loop.example.com': ['127.0.0.1'],
  localhost: ['127.0.0.1', '::1'],
};

const lookups: string[] = [];
const resolve: HostResolver = async (host) => {
  lookups.push(host);
  const answer = DNS[host];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return answer;
};

async function refusal(url: string, allowPrivate = false): Promise<WebhookTargetRefusedError> {
  try {
    await checkWebhookTarget(url, { allowPrivate, resolve });
  } catch (error) {
    if (error instanceof WebhookTargetRefusedError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('checkWebhookTarget, deployed (allowPrivate: false)', () => {
  it.each([
    ['https://wfm.example.com/hooks', ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']],
    [
      'https://wfm.example.com:8443/hooks?tenant=1',
      ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    ],
    ['https://wfm.example.com./hooks', ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']],
    ['https://93.184.215.14/', ['93.184.215.14']],
    ['https://[2606:4700:4700::1111]/', ['2606:4700:4700::1111']],
    ['https://[2002:5db8:d70e::1]/', ['2002:5db8:d70e::1']], // 6to4 of a public IPv4
  ])('accepts %s', async (url, addresses) => {
    const target = await checkWebhookTarget(url, { allowPrivate: false, resolve });
    expect(target.url.href).toBe(new URL(url).href);
    expect(target.addresses).toEqual(addresses);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data', 'scheme_not_allowed'],
    ['http://wfm.example.com/hooks', 'scheme_not_allowed'],
    ['ftp://wfm.example.com/', 'scheme_not_allowed'],
    ['file:///etc/passwd', 'scheme_not_allowed'],
    ['not a url', 'invalid_url'],
    ['https://user:secret@wfm.example.com/', 'credentials_in_url'],
    ['https://169.254.169.254/latest/meta-data', 'address_not_allowed'],
    ['https://[::ffff:127.0.0.1]/', 'address_not_allowed'],
    ['https://[::ffff:169.254.169.254]/', 'address_not_allowed'],
    ['https://[::ffff:10.0.0.1]/', 'address_not_allowed'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'address_not_allowed'], // NAT64 of 169.254.169.254
    ['https://[2002:a00:1::]/', 'address_not_allowed'], // 6to4 of 10.0.0.1
    ['https://10.0.0.1', 'address_not_allowed'],
    ['https://172.16.0.1/', 'address_not_allowed'],
    ['https://172.31.255.255/', 'address_not_allowed'],
    ['https://192.168.1.1/', 'address_not_allowed'],
    ['https://100.64.0.1/', 'address_not_allowed'],
    ['https://127.0.0.1/', 'address_not_allowed'],
    ['https://127.1.2.3:8443/', 'address_not_allowed'],
    ['https://2130706433/', 'address_not_allowed'], // 127.0.0.1 as a decimal host
    ['https://0x7f.1/', 'address_not_allowed'], // 127.0.0.1 in hex shorthand
    ['https://0.0.0.0/', 'address_not_allowed'],
    ['https://[::]/', 'address_not_allowed'],
    ['https://[::1]/', 'address_not_allowed'],
    ['https://[fe80::1]/', 'address_not_allowed'],
    ['https://[fd00::1]/', 'address_not_allowed'],
    ['https://[fc00::1]/', 'address_not_allowed'],
    ['https://224.0.0.1/', 'address_not_allowed'],
    ['https://255.255.255.255/', 'address_not_allowed'],
    ['https://192.0.2.10/', 'address_not_allowed'],
    ['https://localhost/', 'host_not_allowed'],
    ['https://LOCALHOST./', 'host_not_allowed'],
    ['https://api.localhost/', 'host_not_allowed'],
    ['https://internal.example.com/', 'address_not_allowed'],
    ['https://mixed.example.com/', 'address_not_allowed'],
    ['https://metadata.example.com/', 'address_not_allowed'],
    ['https://v6-ula.example.com/', 'address_not_allowed'],
    ['https://v6-mapped.example.com/', 'address_not_allowed'],
    ['https://cgnat.example.com/', 'address_not_allowed'],
    ['https://loop.example.com/', 'address_not_allowed'],
  ])('refuses %s (%s)', async (url, reason) => {
    const error = await refusal(url);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(/^webhook target refused: /);
  });

  it('says which address a name resolved to and why', async () => {
    const error = await refusal('https://mixed.example.com/');
    expect(error.message).toBe(
      'webhook target refused: host mixed.example.com resolves to 192.168.1.10, which is not allowed (private)',
    );
    expect((await refusal('https://169.254.169.254/')).message).toContain('(link_local)');
  });

  it('never puts URL credentials or the query in the message', async () => {
    const error = await refusal('https://user:hunter2@wfm.example.com/?token=abc');
    expect(error.message).not.toMatch(/hunter2|token|abc/);
  });

  it('refuses literals and localhost without asking DNS', async () => {
    lookups.length = 0;
    await refusal('https://10.0.0.1/');
    await refusal('https://localhost/');
    await refusal('http://wfm.example.com/');
    expect(lookups).toEqual([]);
  });

  it('reports a name that does not resolve as unresolved (transient), not refused', async () => {
    const attempt = checkWebhookTarget('https://nowhere.example.com/', { allowPrivate: false, resolve });
    await expect(attempt).rejects.toBeInstanceOf(WebhookTargetUnresolvedError);
    await expect(attempt).rejects.toMatchObject({ code: 'ENOTFOUND' });
    const empty = checkWebhookTarget('https://x.example.com/', {
      allowPrivate: false,
      resolve: async () => [],
    });
    await expect(empty).rejects.toBeInstanceOf(WebhookTargetUnresolvedError);
  });

  it('refuses a resolver answer that is not an IP address', async () => {
    const error = await checkWebhookTarget('https://x.example.com/', {
      allowPrivate: false,
      resolve: async () => ['not-an-ip'],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookTargetRefusedError);
  });
});

describe('checkWebhookTarget, local (allowPrivate: true)', () => {
  it('uses the system resolver by default (localhost, from the hosts file)', async () => {
    const target = await checkWebhookTarget('http://localhost:4020/', { allowPrivate: true });
    expect(target.addresses.length).toBeGreaterThan(0);
    expect(target.addresses.every((address) => classifyIpAddress(address) === 'loopback')).toBe(true);
  });

  it.each([
    'http://127.0.0.1:4020/hooks',
    'http://localhost:4020/hooks',
    'http://[::1]:4020/',
    'http://10.0.0.1/',
    'http://internal.example.com/',
    'https://loop.example.com/',
    'http://wfm.example.com/',
  ])('accepts %s', async (url) => {
    const target = await checkWebhookTarget(url, { allowPrivate: true, resolve });
    expect(target.url.href).toBe(new URL(url).href);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data', 'address_not_allowed'],
    ['http://metadata.example.com/', 'address_not_allowed'],
    ['http://[fe80::1]/', 'address_not_allowed'],
    ['http://0.0.0.0:4020/', 'address_not_allowed'],
    ['ftp://127.0.0.1/', 'scheme_not_allowed'],
    ['http://u:p@127.0.0.1/', 'credentials_in_url'],
  ])('still refuses %s', async (url, reason) => {
    expect((await refusal(url, true)).reason).toBe(reason);
  });
});

describe('classifyIpAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['169.253.255.255', 'public'],
    ['11.0.0.0', 'public'],
    ['127.255.255.255', 'loopback'],
    ['10.255.255.255', 'private'],
    ['100.127.255.255', 'carrier_grade_nat'],
    ['169.254.0.1', 'link_local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['239.255.255.255', 'multicast'],
    ['2001:4860:4860::8888', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['fe80::1%eth0', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['fec0::1', 'reserved'],
    ['fdff:ffff::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['1:2:3:4:5:6:7:8', 'reserved'],
  ])('%s is %s', (address, category) => {
    expect(classifyIpAddress(address)).toBe(category);
  });

  it('throws for a non-IP', () => {
    expect(() => classifyIpAddress('example.com')).toThrow(TypeError);
  });
});

describe('checkWebhookTarget, the local stack (loopbackOnly)', () => {
  const local = { allowPrivate: true, loopbackOnly: true, resolve };

  it('accepts http and https to loopback addresses and localhost names', async () => {
    for (const url of ['http://127.0.0.1:4020/hooks', 'http://[::1]:4020/', 'https://localhost/x']) {
      await expect(checkWebhookTarget(url, local), url).resolves.toMatchObject({ url: new URL(url) });
    }
  });

  it('refuses private and public addresses, and any other name without looking it up', async () => {
    lookups.length = 0;
    for (const url of [
      'http://10.1.2.3/',
      'http://192.168.1.10/',
      'https://93.184.215.14/',
      'http://169.254.169.254/',
    ]) {
      await expect(checkWebhookTarget(url, local), url).rejects.toMatchObject({
        reason: 'address_not_allowed',
      });
    }
    for (const url of ['https://wfm.example.com/', 'http://loop.example.com/']) {
      await expect(checkWebhookTarget(url, local), url).rejects.toMatchObject({ reason: 'host_not_allowed' });
    }
    expect(lookups).toEqual([]);
  });
});
