import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyIpAddress, isIpAddress } from '../../../lib/wfm/ip-address.ts';

/** The IPv4 address's 32 bits as two IPv6 groups, e.g. 10.0.0.1 → `a00:1`. */
function hexGroups(ipv4: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split('.').map(Number);
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

describe('classifyIpAddress: special-purpose ranges that are not public', () => {
  it.each([
    ['192.175.48.1', 'reserved'], // AS112 (direct delegation) anycast DNS sink
    ['192.31.196.1', 'reserved'], // AS112-v4
    ['192.52.193.1', 'reserved'], // AMT relay anycast
    ['2620:4f:8000::1', 'reserved'], // AS112-v6
    ['2001:4:112::1', 'reserved'], // AS112-v6, in the IETF protocol assignments
    ['3fff::1', 'reserved'], // IPv6 documentation (RFC 9637)
    ['3fff:fff:ffff::1', 'reserved'],
    ['2001:2::1', 'reserved'], // IPv6 benchmarking
    ['2001:20::1', 'reserved'], // ORCHIDv2
    ['2001:0:4136:e378::1', 'reserved'], // Teredo
    ['5f00::1', 'reserved'], // SRv6 SIDs
    ['100::1', 'reserved'], // discard-only
    ['198.18.0.1', 'reserved'], // IPv4 benchmarking
    ['198.19.255.255', 'reserved'],
    ['192.88.99.1', 'reserved'], // 6to4 relay anycast (deprecated)
    ['203.0.113.9', 'reserved'],
    ['198.51.100.9', 'reserved'],
    ['192.0.0.9', 'reserved'],
  ])('%s is %s', (address, category) => {
    expect(classifyIpAddress(address)).toBe(category);
  });

  it('keeps the neighbours of those ranges public', () => {
    for (const address of [
      '192.175.49.1',
      '192.31.197.1',
      '192.52.192.255',
      '3ffe:ffff::1',
      '2620:4f:8001::1',
    ]) {
      expect(classifyIpAddress(address)).toBe('public');
    }
  });
});

describe('classifyIpAddress: IPv6 forms that carry an IPv4 address', () => {
  it.each([
    ['::ffff:10.0.0.1', 'private'], // IPv4-mapped, dotted
    ['::ffff:a00:1', 'private'], // IPv4-mapped, hex
    ['::10.0.0.1', 'private'], // IPv4-compatible (deprecated), dotted
    ['::a00:1', 'private'], // IPv4-compatible, hex
    ['::a9fe:a9fe', 'link_local'], // 169.254.169.254, compatible
    ['64:ff9b::10.0.0.1', 'private'], // NAT64 well-known prefix
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link_local'], // 6to4 of 169.254.169.254
    ['2002:808:808::1', 'public'], // 6to4 of 8.8.8.8
    ['::ffff:192.175.48.1', 'reserved'],
  ])('%s is %s', (address, category) => {
    expect(classifyIpAddress(address)).toBe(category);
  });

  it('judges NAT64 local use (64:ff9b:1::/48) as an operator-private network', () => {
    expect(classifyIpAddress('64:ff9b:1::808:808')).toBe('private');
    expect(classifyIpAddress('64:ff9b:1:ffff::1')).toBe('private');
  });

  it('keeps IPv4-translated addresses (::ffff:0:0:0/96) reserved, whatever they carry', () => {
    expect(classifyIpAddress('::ffff:0:8.8.8.8')).toBe('reserved');
    expect(classifyIpAddress('::ffff:0:10.0.0.1')).toBe('reserved');
  });

  it('reads `::` followed by a dotted quad as that IPv4 address, so ::0.0.0.1 is not the loopback ::1', () => {
    expect(classifyIpAddress('::0.0.0.1')).toBe('reserved');
    expect(classifyIpAddress('::127.0.0.1')).toBe('loopback');
    expect(classifyIpAddress('::0.0.0.0')).toBe('unspecified');
    expect(classifyIpAddress('::1')).toBe('loopback');
  });

  it('gives every mapped, compatible, NAT64 and 6to4 form its IPv4 address’s category', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ipv4) => {
        const category = classifyIpAddress(ipv4);
        const hex = hexGroups(ipv4);
        for (const form of [
          `::ffff:${ipv4}`,
          `::ffff:${hex}`,
          `64:ff9b::${ipv4}`,
          `64:ff9b::${hex}`,
          `2002:${hex}::1`,
        ]) {
          expect(classifyIpAddress(form), form).toBe(category);
        }
        // An IPv4-compatible address in hex; its first 96 bits are zero, so :: and ::1 are excluded.
        if (!/^0\.0\.0\.[01]$/.test(ipv4)) expect(classifyIpAddress(`::${hex}`), `::${hex}`).toBe(category);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('isIpAddress', () => {
  it.each(['1.2.3.4', '0.0.0.0', '::', '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8', 'fe80::1'])(
    'accepts %s',
    (text) => {
      expect(isIpAddress(text)).toBe(true);
    },
  );

  it.each([
    '127.1',
    '0x7f.0.0.1',
    '2130706433',
    '01.2.3.4',
    '256.1.1.1',
    '1.2.3.4.5',
    '[::1]',
    '1::2::3',
    ' 1.2.3.4',
    '',
    'example.com',
  ])('refuses %j (only the four-part dotted and the IPv6 forms)', (text) => {
    expect(isIpAddress(text)).toBe(false);
  });

  it('classifies nothing it does not accept', () => {
    expect(() => classifyIpAddress('127.1')).toThrow(TypeError);
    expect(() => classifyIpAddress('::ffff:01.2.3.4')).toThrow(TypeError);
  });
});
