import { lookup } from 'node:dns/promises';
import { type AddressCategory, classifyIpAddress, isIpAddress } from './ip-address.ts';

/** Resolves a hostname to every address it has (IPv4 and IPv6). */
export type HostResolver = (hostname: string) => Promise<string[]>;

export interface WebhookTargetPolicy {
  /** Local stack only: also accept `http:` and loopback / private-network addresses. */
  allowPrivate: boolean;
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
 * The check resolves the name itself, so a DNS answer that changes between this check and the connection is not
 * caught; endpoints come from operator configuration, and egress filtering is the place for a hard guarantee.
 */
export async function checkWebhookTarget(
  url: string | URL,
  policy: WebhookTargetPolicy,
): Promise<WebhookTarget> {
  const parsed = parseUrl(url);
  if (parsed.protocol !== 'https:' && !(policy.allowPrivate && parsed.protocol === 'http:')) {
    const allowed = policy.allowPrivate ? 'https or http' : 'https';
    throw new WebhookTargetRefusedError(
      'scheme_not_allowed',
      `scheme ${parsed.protocol} is not allowed (${allowed} only)`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new WebhookTargetRefusedError('credentials_in_url', 'the URL must not carry credentials');
  }

  const hostname = bareHostname(parsed.hostname);
  const allowed = policy.allowPrivate ? ALLOWED_WHEN_PRIVATE : ALWAYS_ALLOWED;

  if (isIpAddress(hostname)) {
    assertAllowed(hostname, allowed, `address ${hostname}`);
    return { url: parsed, hostname, addresses: [hostname] };
  }
  if (isLocalhostName(hostname) && !allowed.has('loopback')) {
    throw new WebhookTargetRefusedError('host_not_allowed', `host ${hostname} is a loopback name`);
  }

  const addresses = await resolveHost(hostname, policy.resolve ?? systemResolver);
  for (const address of addresses) {
    assertAllowed(address, allowed, `host ${hostname} resolves to ${address}, which`);
  }
  return { url: parsed, hostname, addresses };
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
