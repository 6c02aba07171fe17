import { isIPv4, isIPv6 } from 'node:net';

/**
 * What kind of address an IP is, for the webhook URL policy. `public` is the only kind a deployed sender may reach;
 * `reserved` covers everything else that is not publicly routable (documentation, benchmarking, "this network",
 * 240/4, deprecated IPv6 ranges, anything outside 2000::/3, ...).
 */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'carrier_grade_nat'
  | 'link_local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

interface Ipv4Range {
  base: number;
  prefix: number;
  category: AddressCategory;
}

// Most specific first: the first match wins.
const IPV4_RANGES: readonly Ipv4Range[] = [
  { base: ipv4ToNumber('0.0.0.0'), prefix: 32, category: 'unspecified' },
  { base: ipv4ToNumber('255.255.255.255'), prefix: 32, category: 'broadcast' },
  { base: ipv4ToNumber('0.0.0.0'), prefix: 8, category: 'reserved' },
  { base: ipv4ToNumber('10.0.0.0'), prefix: 8, category: 'private' },
  { base: ipv4ToNumber('100.64.0.0'), prefix: 10, category: 'carrier_grade_nat' },
  { base: ipv4ToNumber('127.0.0.0'), prefix: 8, category: 'loopback' },
  { base: ipv4ToNumber('169.254.0.0'), prefix: 16, category: 'link_local' },
  { base: ipv4ToNumber('172.16.0.0'), prefix: 12, category: 'private' },
  { base: ipv4ToNumber('192.0.0.0'), prefix: 24, category: 'reserved' },
  { base: ipv4ToNumber('192.0.2.0'), prefix: 24, category: 'reserved' },
  { base: ipv4ToNumber('192.88.99.0'), prefix: 24, category: 'reserved' },
  { base: ipv4ToNumber('192.168.0.0'), prefix: 16, category: 'private' },
  { base: ipv4ToNumber('198.18.0.0'), prefix: 15, category: 'reserved' },
  { base: ipv4ToNumber('198.51.100.0'), prefix: 24, category: 'reserved' },
  { base: ipv4ToNumber('203.0.113.0'), prefix: 24, category: 'reserved' },
  { base: ipv4ToNumber('224.0.0.0'), prefix: 4, category: 'multicast' },
  { base: ipv4ToNumber('240.0.0.0'), prefix: 4, category: 'reserved' },
];

interface Ipv6Range {
  base: bigint;
  prefix: number;
  /** Ranges that carry an IPv4 address in their low 32 bits (or bits 80..112 for 6to4) take the IPv4's category. */
  category: AddressCategory | 'embedded_ipv4' | 'embedded_ipv4_6to4';
}

const IPV6_RANGES: readonly Ipv6Range[] = [
  { base: ipv6ToBigInt('::'), prefix: 128, category: 'unspecified' },
  { base: ipv6ToBigInt('::1'), prefix: 128, category: 'loopback' },
  { base: ipv6ToBigInt('::ffff:0:0'), prefix: 96, category: 'embedded_ipv4' }, // IPv4-mapped
  { base: ipv6ToBigInt('::'), prefix: 96, category: 'embedded_ipv4' }, // IPv4-compatible (deprecated)
  { base: ipv6ToBigInt('64:ff9b::'), prefix: 96, category: 'embedded_ipv4' }, // NAT64 well-known prefix
  { base: ipv6ToBigInt('64:ff9b:1::'), prefix: 48, category: 'private' }, // local-use NAT64
  { base: ipv6ToBigInt('100::'), prefix: 64, category: 'reserved' }, // discard-only
  { base: ipv6ToBigInt('2001:db8::'), prefix: 32, category: 'reserved' }, // documentation
  { base: ipv6ToBigInt('2001::'), prefix: 23, category: 'reserved' }, // IETF protocol assignments (Teredo, ...)
  { base: ipv6ToBigInt('2002::'), prefix: 16, category: 'embedded_ipv4_6to4' },
  { base: ipv6ToBigInt('fc00::'), prefix: 7, category: 'private' }, // unique local
  { base: ipv6ToBigInt('fe80::'), prefix: 10, category: 'link_local' },
  { base: ipv6ToBigInt('fec0::'), prefix: 10, category: 'reserved' }, // site-local (deprecated)
  { base: ipv6ToBigInt('ff00::'), prefix: 8, category: 'multicast' },
  { base: ipv6ToBigInt('2000::'), prefix: 3, category: 'public' }, // global unicast
];

/** Classifies an IPv4 or IPv6 address (zone ids like `%eth0` are ignored). Throws a TypeError for a non-IP. */
export function classifyIpAddress(address: string): AddressCategory {
  const bare = address.split('%')[0] ?? '';
  if (isIPv4(bare)) return classifyIpv4(ipv4ToNumber(bare));
  if (isIPv6(bare)) return classifyIpv6(ipv6ToBigInt(bare));
  throw new TypeError('not an IP address');
}

/** True for a literal IPv4 or IPv6 address (URL hostnames keep IPv6 in brackets; pass them without). */
export function isIpAddress(text: string): boolean {
  return isIPv4(text) || isIPv6(text);
}

function classifyIpv4(value: number): AddressCategory {
  for (const range of IPV4_RANGES) {
    const mask = range.prefix === 0 ? 0 : (0xffffffff << (32 - range.prefix)) >>> 0;
    if ((value & mask) >>> 0 === range.base) return range.category;
  }
  return 'public';
}

function classifyIpv6(value: bigint): AddressCategory {
  for (const range of IPV6_RANGES) {
    const shift = BigInt(128 - range.prefix);
    if (value >> shift !== range.base >> shift) continue;
    if (range.category === 'embedded_ipv4') return classifyIpv4(Number(value & 0xffffffffn));
    if (range.category === 'embedded_ipv4_6to4') return classifyIpv4(Number((value >> 80n) & 0xffffffffn));
    return range.category;
  }
  return 'reserved'; // outside 2000::/3: unassigned
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Expects a valid IPv6 address (checked with isIPv6), possibly with a trailing dotted IPv4. */
function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToNumber(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups =
    rest === undefined
      ? headGroups
      : [
          ...headGroups,
          ...new Array<string>(8 - headGroups.length - restGroups.length).fill('0'),
          ...restGroups,
        ];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}
