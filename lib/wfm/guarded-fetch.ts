import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type ConnectLookup, connectLookup, type WebhookTargetPolicy } from './url-policy.ts';

type FetchInput = Parameters<typeof fetch>[0];

/**
 * The `fetch` that delivers webhooks: node:http(s) requests whose sockets resolve the host through the URL policy
 * (connectLookup), so the address connected to is checked, not only the one checkWebhookTarget saw. A connection to a
 * refused address fails with WebhookTargetRefusedError before any byte is sent.
 *
 * It does what deliverWebhook needs and no more: a URL, method, headers, a string body and an abort signal. It never
 * follows redirects (a 3xx comes back as it is), gives the answer without its body (the connection is closed once the
 * status and headers are in), and opens one connection per request: no pooled socket outlives a Lambda freeze, and
 * every connection goes through the policy.
 */
export function guardedFetch(policy: WebhookTargetPolicy): typeof fetch {
  const lookup = connectLookup(policy);
  return ((input: FetchInput, init: RequestInit = {}) => send(urlOf(input), init, lookup)) as typeof fetch;
}

function urlOf(input: FetchInput): URL {
  if (input instanceof URL) return input;
  if (typeof input === 'string') return new URL(input);
  throw new TypeError('guardedFetch takes a URL, not a Request');
}

function send(url: URL, init: RequestInit, lookup: ConnectLookup): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request =
      url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
    if (!request) throw new TypeError(`guardedFetch does not speak ${url.protocol}`);
    if (init.body != null && typeof init.body !== 'string')
      throw new TypeError('guardedFetch takes a string body');
    const body = init.body == null ? undefined : Buffer.from(init.body, 'utf8');
    const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers));
    if (body) headers['content-length'] = String(body.length);

    const outgoing = request(
      url,
      { method: init.method ?? 'GET', headers, lookup, agent: false, signal: init.signal ?? undefined },
      (incoming) => {
        incoming.destroy();
        const status = incoming.statusCode ?? 0;
        if (status < 200 || status > 599) {
          reject(Object.assign(new Error(`HTTP status ${status}`), { code: 'ERR_HTTP_STATUS_OUT_OF_RANGE' }));
          return;
        }
        resolve(
          new Response(null, { status, statusText: incoming.statusMessage, headers: headersOf(incoming) }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function headersOf(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] as string, raw[i + 1] as string);
    } catch {
      // A header the Fetch API cannot hold is not one deliverWebhook reads.
    }
  }
  return headers;
}
