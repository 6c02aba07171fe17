import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIPv6 } from 'node:net';
import * as z from '../domain/zod.ts';
import { type AddressCategory, classifyIpAddress, isIpAddress } from './ip-address.ts';

/** Resolves a hostname to every address it has (IPv4 and IPv6). */
export type HostResolver = (hostname: string) => Promise<string[]>;

export interface WebhookTargetPolicy {
  /** Local stack only: also accept `http:` and loopback / private-network addresses. */
  allowPrivate: boolean;
  /**
   * The local stack: loopback targets only (loopback addresses and `localhost` names; any other name is refused
   * without a lookup), so nothing a local run is given — by a test, a fuzzer or a person — sends a webhook off the
   * machine. Implies `http:`.
   */
  loopbackOnly?: boolean;
  /** Injected in tests; defaults to the system resolver (`dns.lookup` with `all: true`). */
  resolve?: HostResolver;
}

/** A URL the policy accepted, with the addresses it was checked against. */
export interface WebhookTarget {
  url: URL;
  /** Hostname without IPv6 brackets or trailing dot. */
  hostname: string;
  addresses: string[];
}

export type WebhookTargetRefusal =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'host_not_allowed'
  | 'address_not_allowed';

/** The URL must never be called: a configuration problem, retrying does not help. */
export class WebhookTargetRefusedError extends Error {
  readonly reason: WebhookTargetRefusal;

  constructor(reason: WebhookTargetRefusal, message: string) {
    super(`webhook target refused: ${message}`);
    this.name = 'WebhookTargetRefusedError';
    this.reason = reason;
  }
}

/** The hostname could not be resolved (possibly transient: retry later). */
export class WebhookTargetUnresolvedError extends Error {
  /** The resolver's error code, e.g. `ENOTFOUND`, `EAI_AGAIN`. */
  readonly code: string | undefined;

  constructor(hostname: string, code: string | undefined) {
    super(`webhook target ${hostname} did not resolve${code ? ` (${code})` : ''}`);
    this.name = 'WebhookTargetUnresolvedError';
    this.code = code;
  }
}

const ALWAYS_ALLOWED: ReadonlySet<AddressCategory> = new Set(['public']);
const ALLOWED_WHEN_PRIVATE: ReadonlySet<AddressCategory> = new Set([
  'public',
  'loopback',
  'private',
  'carrier_grade_nat',
]);

export const systemResolver: HostResolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
};

/**
 * Checks a webhook URL before it is called. Deployed (`allowPrivate: false`): https only, no credentials in the
 * URL, and neither the host literal nor any address its name resolves to may be loopback, private, CGNAT,
 * link-local (incl. 169.254.169.254), unspecified, multicast or otherwise non-public — IPv4-mapped, NAT64 and 6to4
 * IPv6 forms are judged by the IPv4 they carry. Locally (`allowPrivate: true`) http, loopback and private
 * addresses are accepted; link-local and the other non-unicast kinds stay refused.
 *
 * Throws WebhookTargetRefusedError (permanent) or WebhookTargetUnresolvedError (DNS failure, transient).
 * A name can resolve differently when the connection is made (DNS rebinding): the sockets that deliver webhooks
 * resolve through connectLookup, which applies the same rules to the addresses actually connected to.
 */
export async function checkWebhookTarget(
  url: string | URL,
  policy: WebhookTargetPolicy,
): Promise<WebhookTarget> {
  const parsed = parseUrl(url);
  const httpAllowed = policy.allowPrivate || policy.loopbackOnly === true;
  if (parsed.protocol !== 'https:' && !(httpAllowed && parsed.protocol === 'http:')) {
    const allowed = httpAllowed ? 'https or http' : 'https';
    throw new WebhookTargetRefusedError(
      'scheme_not_allowed',
      `scheme ${parsed.protocol} is not allowed (${allowed} only)`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new WebhookTargetRefusedError('credentials_in_url', 'the URL must not carry credentials');
  }

  const hostname = bareHostname(parsed.hostname);
  const allowed = allowedCategories(policy);

  if (isIpAddress(hostname)) {
    assertAllowed(hostname, allowed, `address ${hostname}`);
    return { url: parsed, hostname, addresses: [hostname] };
  }
  const addresses = await resolveAllowed(hostname, policy, 'resolves to');
  return { url: parsed, hostname, addresses };
}

/** The `lookup` option of node:net / node:http sockets. */
export type ConnectLookup = (
  hostname: string,
  options: { family?: number | string; all?: boolean },
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * The `lookup` of the sockets that deliver webhooks: resolves the name with the policy's resolver and fails the
 * connection with WebhookTargetRefusedError when any address is not allowed (the rules of checkWebhookTarget), or
 * with WebhookTargetUnresolvedError when the name does not resolve. The address a socket connects to is therefore
 * one the policy accepted at that moment, whatever the name resolved to when the URL was checked. (Sockets skip
 * `lookup` for IP literals, which checkWebhookTarget judges from the URL itself.)
 */
export function connectLookup(policy: WebhookTargetPolicy): ConnectLookup {
  return (hostname, options, callback) => {
    const wanted = familyNumber(options.family);
    const answers = resolveAllowed(bareHostname(hostname), policy, 'resolves at connect time to').then(
      (addresses) => {
        const all = addresses
          .map((address): LookupAddress => ({ address, family: isIPv6(address) ? 6 : 4 }))
          .filter((answer) => wanted === 0 || answer.family === wanted);
        if (all.length === 0) throw new WebhookTargetUnresolvedError(hostname, 'NODATA');
        return all;
      },
    );
    answers.then(
      (all) => {
        const [first] = all as [LookupAddress, ...LookupAddress[]];
        if (options.all) callback(null, all);
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, options.all ? [] : '', 0),
    );
  };
}

const LOOPBACK_ONLY: ReadonlySet<AddressCategory> = new Set(['loopback']);

function allowedCategories(policy: WebhookTargetPolicy): ReadonlySet<AddressCategory> {
  if (policy.loopbackOnly) return LOOPBACK_ONLY;
  return policy.allowPrivate ? ALLOWED_WHEN_PRIVATE : ALWAYS_ALLOWED;
}

/**
 * The WFM_ALLOW_PRIVATE_TARGETS setting: `false` (deployed: https to public addresses), `true` (also http and
 * private addresses) or `loopback` (the local stack: http to loopback only).
 */
export const TargetsSettingSchema = z.pipe(
  z._default(z.enum(['true', 'false', 'loopback']), 'false'),
  z.transform(
    (value): Pick<WebhookTargetPolicy, 'allowPrivate' | 'loopbackOnly'> => ({
      allowPrivate: value !== 'false',
      loopbackOnly: value === 'loopback',
    }),
  ),
);

/** Resolves a hostname (not an IP literal) and checks every address it has; `verb` words the refusal. */
async function resolveAllowed(
  hostname: string,
  policy: WebhookTargetPolicy,
  verb: string,
): Promise<string[]> {
  const allowed = allowedCategories(policy);
  if (isLocalhostName(hostname) && !allowed.has('loopback')) {
    throw new WebhookTargetRefusedError('host_not_allowed', `host ${hostname} is a loopback name`);
  }
  if (policy.loopbackOnly && !isLocalhostName(hostname)) {
    throw new WebhookTargetRefusedError(
      'host_not_allowed',
      `host ${hostname} is not a loopback name (only loopback targets here)`,
    );
  }
  const addresses = await resolveHost(hostname, policy.resolve ?? systemResolver);
  for (const address of addresses) {
    assertAllowed(address, allowed, `host ${hostname} ${verb} ${address}, which`);
  }
  return addresses;
}

function familyNumber(family: number | string | undefined): number {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

function parseUrl(url: string | URL): URL {
  if (url instanceof URL) return new URL(url.href);
  try {
    return new URL(url);
  } catch {
    throw new WebhookTargetRefusedError('invalid_url', 'not a valid absolute URL');
  }
}

function bareHostname(hostname: string): string {
  const unbracketed = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return unbracketed.endsWith('.') ? unbracketed.slice(0, -1) : unbracketed;
}

// RFC 6761: `localhost` and every name under it are loopback, whatever DNS says.
function isLocalhostName(hostname: string): boolean {
  const lower = hostname.toLowerCase();
  return lower === 'localhost' || lower.endsWith('.localhost');
}

function assertAllowed(address: string, allowed: ReadonlySet<AddressCategory>, subject: string): void {
  let category: AddressCategory;
  try {
    category = classifyIpAddress(address);
  } catch {
    throw new WebhookTargetRefusedError('address_not_allowed', `${subject} is not an IP address`);
  }
  if (!allowed.has(category)) {
    throw new WebhookTargetRefusedError('address_not_allowed', `${subject} is not allowed (${category})`);
  }
}

async function resolveHost(hostname: string, resolve: HostResolver): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new WebhookTargetUnresolvedError(hostname, typeof code === 'string' ? code : undefined);
  }
  if (addresses.length === 0) throw new WebhookTargetUnresolvedError(hostname, 'NODATA');
  return addresses;
}
