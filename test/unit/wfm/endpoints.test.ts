import { describe, expect, it } from 'vitest';
import {
  endpointsFor,
  eventTypeMatches,
  type WfmEndpoint,
  WfmEndpointsEnvSchema,
  WfmEndpointsSchema,
} from '../../../lib/wfm/endpoints.ts';

const ENDPOINTS: WfmEndpoint[] = [
  { name: 'everything', url: 'https://wfm.example.com/hooks' },
  { name: 'assignments', url: 'https://a.example.com/', eventTypes: ['com.cxone-assignments.assignment.*'] },
  {
    name: 'agent-state',
    url: 'https://b.example.com/',
    eventTypes: ['com.cxone-assignments.agent.activated', 'com.cxone-assignments.agent.deactivated'],
  },
  { name: 'all-by-star', url: 'https://c.example.com/', eventTypes: ['*'] },
];

const names = (endpoints: WfmEndpoint[]) => endpoints.map((endpoint) => endpoint.name);

describe('endpointsFor', () => {
  it.each([
    ['com.cxone-assignments.assignment.applied', ['everything', 'assignments', 'all-by-star']],
    ['com.cxone-assignments.assignment.failed', ['everything', 'assignments', 'all-by-star']],
    ['com.cxone-assignments.agent.activated', ['everything', 'agent-state', 'all-by-star']],
    ['com.cxone-assignments.agent.added', ['everything', 'all-by-star']],
    ['com.cxone-assignments.campaign.agents_dropped', ['everything', 'all-by-star']],
  ])('routes %s to %j', (type, expected) => {
    expect(names(endpointsFor(type, ENDPOINTS))).toEqual(expected);
  });

  it('returns nothing when no endpoint is configured', () => {
    expect(endpointsFor('com.cxone-assignments.assignment.applied', [])).toEqual([]);
  });
});

describe('eventTypeMatches', () => {
  it('matches exact types, .* prefixes on a dot boundary and *', () => {
    expect(eventTypeMatches('com.cxone-assignments.agent.added', 'com.cxone-assignments.agent.added')).toBe(
      true,
    );
    expect(eventTypeMatches('com.cxone-assignments.*', 'com.cxone-assignments.agent.added')).toBe(true);
    expect(eventTypeMatches('*', 'com.cxone-assignments.agent.added')).toBe(true);
    expect(eventTypeMatches('com.cxone-assignments.agent', 'com.cxone-assignments.agent.added')).toBe(false);
    expect(eventTypeMatches('com.cxone-assignments.ag*', 'com.cxone-assignments.agent.added')).toBe(false);
    expect(eventTypeMatches('com.cxone-assignments.assignment.*', 'com.cxone-assignments.agent.added')).toBe(
      false,
    );
  });
});

describe('WfmEndpointsEnvSchema', () => {
  it('parses the WFM_ENDPOINTS JSON', () => {
    const text = JSON.stringify(ENDPOINTS);
    expect(WfmEndpointsEnvSchema.parse(text)).toEqual(ENDPOINTS);
    expect(WfmEndpointsEnvSchema.parse('[]')).toEqual([]);
  });

  it('refuses text that is not JSON with a clear message', () => {
    const result = WfmEndpointsEnvSchema.safeParse('[{name:');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('WFM_ENDPOINTS is not valid JSON');
  });

  it.each([
    ['not an array', { name: 'a', url: 'https://x.example/' }],
    ['duplicate names', [ENDPOINTS[0], { ...ENDPOINTS[1], name: 'everything' }]],
    ['a missing url', [{ name: 'a' }]],
    ['a relative url', [{ name: 'a', url: '/hooks' }]],
    ['an ftp url', [{ name: 'a', url: 'ftp://x.example/' }]],
    ['credentials in the url', [{ name: 'a', url: 'https://user:pw@x.example/' }]],
    ['an empty name', [{ name: '', url: 'https://x.example/' }]],
    ['a name with spaces', [{ name: 'my wfm', url: 'https://x.example/' }]],
    ['an unknown field', [{ name: 'a', url: 'https://x.example/', secret: 'whsec_x' }]],
    ['an empty eventTypes list', [{ name: 'a', url: 'https://x.example/', eventTypes: [] }]],
    [
      'a misspelt event type',
      [{ name: 'a', url: 'https://x.example/', eventTypes: ['com.cxone-assignments.assignment.aplied'] }],
    ],
    ['a prefix matching no type', [{ name: 'a', url: 'https://x.example/', eventTypes: ['com.other.*'] }]],
  ])('refuses %s', (_, value) => {
    expect(WfmEndpointsEnvSchema.safeParse(JSON.stringify(value)).success).toBe(false);
  });

  it('points a duplicate name at the second occurrence', () => {
    const result = WfmEndpointsSchema.safeParse([ENDPOINTS[0], { ...ENDPOINTS[1], name: 'everything' }]);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([[1, 'name']]);
  });

  it('accepts http endpoints (the URL policy decides at delivery time)', () => {
    expect(WfmEndpointsSchema.parse([{ name: 'local', url: 'http://127.0.0.1:4020/hooks' }])).toHaveLength(1);
  });
});
