// The comparison point of the dispatch bench: the original Go sketch's CXone behaviour (docs/design.md §6), written in
// TypeScript so both clients run in the same process against the same sandbox. It keeps what the sketch did:
// one whole-set PUT /api/v2/outbound/campaigns/{id}/agents per assignment with every agent every time (no read, no
// diff, no verify), a fixed 1 s / 2 s / 4 s backoff on 429 with at most 3 retries, Retry-After ignored, no
// client-side rate limit, 5xx and network errors not retried, a client-credentials token cached until 30 s before
// it expires. Its defects that would stop it from working at all are not reproduced (the sketch sent no request
// body and no token form); load balancing on 409 is left out (the bench injects no capacity conflicts).

export class NaiveDispatchError extends Error {
  override name = 'NaiveDispatchError';
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** The sketch's AgentAssignment. */
export interface NaiveAgent {
  userId: string;
  skills: string[];
  availabilityWindow: { start: string; end: string; timezone: string };
  maxConcurrentCalls: number;
}

export interface NaiveClientOptions {
  /** Base URL of both the token endpoint and the API (the sketch's CXONE_BASE_URL). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface NaivePutResult {
  /** Status of the last attempt. After 4 × 429 the sketch returned that 429 as if it were a success. */
  status: number;
  attempts: number;
}

export interface NaiveClient {
  putAgents(campaignId: string, agents: NaiveAgent[]): Promise<NaivePutResult>;
}

/** The sketch's schedule: sleep 1<<(attempt-1) seconds before retries 1, 2 and 3. */
export const NAIVE_BACKOFF_MS = [1000, 2000, 4000] as const;
const REQUEST_TIMEOUT_MS = 30_000;
const TOKEN_EARLY_REFRESH_MS = 30_000;

export function createNaiveClient(options: NaiveClientOptions): NaiveClient {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let token: { value: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const response = await doFetch(`${options.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) {
      await response.arrayBuffer();
      throw new NaiveDispatchError(`token request returned status ${response.status}`, response.status);
    }
    const body = (await response.json()) as { access_token: string; expires_in: number };
    token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    return token.value;
  }

  /** The sketch held a mutex while fetching: concurrent callers wait for the one request. */
  function getToken(): Promise<string> {
    if (token && Date.now() < token.expiresAt - TOKEN_EARLY_REFRESH_MS) return Promise.resolve(token.value);
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  return {
    async putAgents(campaignId, agents) {
      const body = JSON.stringify({ campaignId, agents });
      const bearer = await getToken();
      let status = 0;
      let attempts = 0;
      for (let attempt = 0; attempt <= NAIVE_BACKOFF_MS.length; attempt++) {
        if (attempt > 0) await sleep(NAIVE_BACKOFF_MS[attempt - 1] as number);
        attempts++;
        const response = await doFetch(`${options.baseUrl}/api/v2/outbound/campaigns/${campaignId}/agents`, {
          method: 'PUT',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${bearer}`,
            'x-client-id': options.clientId,
          },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        status = response.status;
        // Read to the end so the keep-alive connection is reused, as Go's Body.Close after a full read would.
        await response.arrayBuffer();
        if (status !== 429) break;
      }
      if (status >= 500) throw new NaiveDispatchError(`server error: ${status}`, status);
      return { status, attempts };
    },
  };
}
