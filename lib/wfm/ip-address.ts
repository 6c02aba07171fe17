import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * What kind of address an IP is, for the webhook URL policy. `public` is the only kind a deployed sender may reach:
 * plain global unicast. `reserved` covers everything else that is not a private network of its own: documentation,
 * benchmarking, "this network", 240/4, AS112 and AMT anycast, deprecated and special-purpose IPv6 ranges,
 * anything outside 2000::/3, ...
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

// ipaddr.js's range names (IANA's special-purpose registries) → the policy's categories. Every other name is
// `reserved`; `unicast` means "in none of the special ranges".
const IPV4_CATEGORIES: Readonly<Record<string, AddressCategory>> = {
  unicast: 'public',
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'link_local',
  carrierGradeNat: 'carrier_grade_nat',
  multicast: 'multicast',
  broadcast: 'broadcast',
};
const IPV6_CATEGORIES: Readonly<Record<string, AddressCategory>> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link_local',
  uniqueLocal: 'private',
  multicast: 'multicast',
};

// Ranges ipaddr.js does not tell apart: IPv4-compatible addresses (deprecated, ::/96) fall under its `unicast`,
// the NAT64 well-known prefix shares `rfc6052` with NAT64 local use (64:ff9b:1::/48, an operator's own network:
// private), and global unicast is only 2000::/3 (its `unicast` is everything left over).
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/** Classifies an IPv4 or IPv6 address (zone ids like `%eth0` are ignored). Throws a TypeError for a non-IP. */
export function classifyIpAddress(address: string): AddressCategory {
  const bare = address.split('%')[0] ?? '';
  const version = isIP(bare);
  if (version === 4) return classifyIpv4(ipaddr.IPv4.parse(bare));
  if (version === 6) return classifyIpv6(ipaddr.IPv6.parse(bare));
  throw new TypeError('not an IP address');
}

/** True for a literal IPv4 or IPv6 address (URL hostnames keep IPv6 in brackets; pass them without). */
export function isIpAddress(text: string): boolean {
  return isIP(text) !== 0;
}

function classifyIpv4(address: ipaddr.IPv4): AddressCategory {
  const range = address.range();
  // ipaddr.js names all of 0.0.0.0/8 `unspecified`; only 0.0.0.0 is, the rest is "this network" (reserved).
  if (range === 'unspecified')
    return address.octets.every((octet) => octet === 0) ? 'unspecified' : 'reserved';
  return IPV4_CATEGORIES[range] ?? 'reserved';
}

/** Forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) take that address's category. */
function classifyIpv6(address: ipaddr.IPv6): AddressCategory {
  const range: string = address.range();
  const category = IPV6_CATEGORIES[range];
  if (category) return category;
  if (range === 'ipv4Mapped') return classifyIpv4(address.toIPv4Address());
  // 6to4 carries the IPv4 in bits 16..48, the other forms in the last 32 bits.
  if (range === '6to4') return classifyIpv4(ipv4Of(address.parts[1], address.parts[2]));
  const last32 = ipv4Of(address.parts[6], address.parts[7]);
  if (range === 'rfc6052') return address.match(NAT64_WELL_KNOWN) ? classifyIpv4(last32) : 'private';
  if (range !== 'unicast') return 'reserved';
  if (address.match(IPV4_COMPATIBLE)) return classifyIpv4(last32);
  return address.match(GLOBAL_UNICAST) ? 'public' : 'reserved';
}

function ipv4Of(high = 0, low = 0): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}
