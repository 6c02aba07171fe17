// Test doubles for the CXone client: a fake clock (sleep advances time instantly) and a scripted fetch.
import type { FetchFn } from '../../../lib/cxone/http.ts';

export const T0 = Date.parse('2025-06-02T12:00:00Z');

/** Sleeps resolve at once but move the clock to when they would have ended (concurrent sleepers overlap). */
export function fakeClock(start = T0) {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      const endsAt = time + ms;
      await Promise.resolve();
      time = Math.max(time, endsAt);
    },
    advance: (ms: number) => {
      time += ms;
    },
    sleeps,
  };
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  at: number;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

/** A fetch that records every call and answers with `handler` (a function of the request). */
export function scriptedFetch(handler: Handler, now: () => number = Date.now) {
  const calls: RecordedRequest[] = [];
  const fetch: FetchFn = async (input, init) => {
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url: new URL(input),
      headers: new Headers(init.headers),
      body: init.body === undefined || init.body === null ? '' : String(init.body),
      at: now(),
    };
    calls.push(request);
    return handler(request);
  };
  return { fetch, calls };
}

/** Answers the responses in order, the last one repeating. */
export function sequence(...responses: Array<() => Response>): Handler {
  let index = 0;
  return () => {
    const next = responses[Math.min(index, responses.length - 1)];
    index++;
    if (!next) throw new Error('sequence needs at least one response');
    return next();
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
