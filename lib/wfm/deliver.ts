import { MAX_VISIBILITY_TIMEOUT_SECONDS } from '../retry/redelivery.ts';
import { parseRetryAfter } from '../retry/retry-after.ts';
import { serializeWfmEvent, type WfmEvent } from './cloudevents.ts';
import type { WfmEndpoint } from './endpoints.ts';
import { guardedFetch } from './guarded-fetch.ts';
import type { DeliveryOutcome } from './outcome.ts';
import { signWebhook } from './signing.ts';
import {
  checkWebhookTarget,
  type HostResolver,
  WebhookTargetRefusedError,
  WebhookTargetUnresolvedError,
} from './url-policy.ts';

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 12_000;
export const WEBHOOK_USER_AGENT = 'cxone-assignments-webhooks/1.0';
export const WEBHOOK_CONTENT_TYPE = 'application/cloudevents+json';
/** Longest Retry-After honoured (a longer one is clamped): what one SQS visibility timeout can hold, 12 h. */
export const MAX_WEBHOOK_RETRY_AFTER_MS = MAX_VISIBILITY_TIMEOUT_SECONDS * 1000;

export type { DeliveryOutcome } from './outcome.ts';

export interface DeliverWebhookInput {
  endpoint: Pick<WfmEndpoint, 'name' | 'url'>;
  event: WfmEvent;
  /** `whsec_…` secrets, current first (see signingSecretsOf). Malformed ones throw InvalidSigningSecretError. */
  secrets: readonly string[];
  /** Local stack only: http and loopback/private targets (WFM_ALLOW_PRIVATE_TARGETS). */
  allowPrivate: boolean;
  /** The local stack: loopback targets only. */
  loopbackOnly?: boolean;
  /** Covers DNS, connecting and waiting for the response headers. Bound it by the Lambda's remaining time. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Epoch milliseconds; gives the `webhook-timestamp` and the reference for a Retry-After date. */
  now?: () => number;
  resolve?: HostResolver;
}

/** Exactly one signed POST of `event` to `endpoint` (SQS does the retries). Never follows redirects. */
export async function deliverWebhook(input: DeliverWebhookInput): Promise<DeliveryOutcome> {
  const now = input.now ?? Date.now;
  const policy = {
    allowPrivate: input.allowPrivate,
    loopbackOnly: input.loopbackOnly,
    resolve: input.resolve,
  };
  // The default transport checks the address it connects to against the same policy (DNS rebinding).
  const fetchImpl = input.fetch ?? guardedFetch(policy);
  // A caller bounding the timeout by the Lambda's remaining time may pass 0 or less: time out at once, don't throw.
  const timeoutMs = Math.max(Math.floor(input.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS), 1);
  const startedAt = now();
  const elapsed = () => Math.max(now() - startedAt, 0);
  const signal = AbortSignal.timeout(timeoutMs);

  let url: URL;
  try {
    const target = await abortable(checkWebhookTarget(input.endpoint.url, policy), signal);
    url = target.url;
  } catch (error) {
    const outcome = policyOutcome(error, elapsed());
    if (outcome) return outcome;
    if (signal.aborted) return timedOut(timeoutMs, elapsed());
    throw error;
  }

  const body = serializeWfmEvent(input.event);
  const headers = signWebhook({
    id: input.event.id,
    timestamp: Math.floor(now() / 1000),
    body,
    secrets: input.secrets,
  });

  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': WEBHOOK_CONTENT_TYPE, 'user-agent': WEBHOOK_USER_AGENT, ...headers },
      body,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    if (signal.aborted) return timedOut(timeoutMs, elapsed());
    return (
      policyOutcome(error, elapsed()) ?? {
        kind: 'retry',
        reason: `network error (${networkErrorCode(error)})`,
        durationMs: elapsed(),
      }
    );
  }
  // The response body is not needed; release the connection.
  response.body?.cancel().catch(() => {});
  return classifyResponse(response, now(), elapsed());
}

function classifyResponse(response: Response, nowMs: number, durationMs: number): DeliveryOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered', status, durationMs };
  if (status === 410) return { kind: 'disabled', status: 410, durationMs };
  if (response.type === 'opaqueredirect' || status === 0 || (status >= 300 && status < 400)) {
    return {
      kind: 'retry',
      ...(status ? { status } : {}),
      reason: `redirect ${status} not followed`,
      durationMs,
    };
  }
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), {
      nowMs,
      dateHeader: response.headers.get('date'),
      maxMs: MAX_WEBHOOK_RETRY_AFTER_MS,
    });
    return {
      kind: 'retry',
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      reason: `http ${status}`,
      durationMs,
    };
  }
  return { kind: 'retry', status, reason: `http ${status}`, durationMs };
}

/** The URL policy's verdict, before the request or when the connection was made; undefined for other errors. */
function policyOutcome(error: unknown, durationMs: number): DeliveryOutcome | undefined {
  if (error instanceof WebhookTargetRefusedError)
    return { kind: 'refused', reason: error.message, durationMs };
  if (error instanceof WebhookTargetUnresolvedError) {
    return { kind: 'retry', reason: `dns lookup failed (${error.code ?? 'unknown'})`, durationMs };
  }
  return undefined;
}

function timedOut(timeoutMs: number, durationMs: number): DeliveryOutcome {
  return { kind: 'retry', reason: `timeout after ${timeoutMs} ms`, durationMs };
}

// undici reports `TypeError: fetch failed` with the socket error as `cause`; keep only its code or name.
function networkErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.name === 'string') return cause.name;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
