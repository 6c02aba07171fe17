import * as z from '../domain/zod.ts';
import { WFM_EVENT_TYPES } from './cloudevents.ts';

// WFM_ENDPOINTS: JSON `[{ "name", "url", "eventTypes"?: [...] }]`. An endpoint without eventTypes gets every event;
// a pattern is an exact event type, a prefix ending in `.*` (e.g. `com.cxone-assignments.assignment.*`) or `*`.

/** True when `pattern` selects `eventType`. */
export function eventTypeMatches(pattern: string, eventType: string): boolean {
  if (pattern === '*' || pattern === eventType) return true;
  return pattern.endsWith('.*') && eventType.startsWith(pattern.slice(0, -1));
}

export const EventTypePatternSchema = z.string().check(
  z.refine((pattern) => WFM_EVENT_TYPES.some((type) => eventTypeMatches(pattern, type)), {
    message:
      'matches no event type: use an exact type (com.cxone-assignments.assignment.applied), a prefix ending in .* or *',
  }),
);

export const EndpointUrlSchema = z.string().check(
  z.maxLength(2048),
  z.refine((url) => URL.canParse(url) && ['https:', 'http:'].includes(new URL(url).protocol), {
    message: 'must be an absolute http(s) URL',
  }),
  // fetch refuses URLs with user:password@, and they would end up in logs.
  z.refine((url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''), {
    message: 'must not carry credentials',
  }),
);

export const WfmEndpointSchema = z.strictObject({
  /** Names the endpoint in logs and metrics (the URL is not logged). */
  name: z
    .string()
    .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ -')),
  url: EndpointUrlSchema,
  eventTypes: z.optional(z.array(EventTypePatternSchema).check(z.minLength(1))),
});
export type WfmEndpoint = z.infer<typeof WfmEndpointSchema>;

export const WfmEndpointsSchema = z.array(WfmEndpointSchema).check(
  z.superRefine((endpoints: WfmEndpoint[], ctx) => {
    const seen = new Set<string>();
    endpoints.forEach((endpoint, index) => {
      if (seen.has(endpoint.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `duplicate endpoint name ${endpoint.name}`,
        });
      }
      seen.add(endpoint.name);
    });
  }),
);

/** For the env var itself: a JSON string holding the endpoint list. */
export const WfmEndpointsEnvSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        z.addIssue(ctx, { message: 'WFM_ENDPOINTS is not valid JSON' });
        return z.NEVER;
      }
    }),
  ),
  WfmEndpointsSchema,
);

/** The endpoints that receive events of `eventType`, in configuration order. */
export function endpointsFor<E extends Pick<WfmEndpoint, 'eventTypes'>>(
  eventType: string,
  endpoints: readonly E[],
): E[] {
  return endpoints.filter(
    (endpoint) =>
      endpoint.eventTypes === undefined ||
      endpoint.eventTypes.some((pattern) => eventTypeMatches(pattern, eventType)),
  );
}
