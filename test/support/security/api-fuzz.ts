// fast-check arbitraries of hostile requests to the HTTP API, each with the statuses the API must answer (a model of
// the contract's order of checks: route → method → credentials → scope → size → media type → JSON → dryRun → campaign
// → Idempotency-Key → validation; for the campaign policies: → preconditions → body → skill). No request ever expects
// a 2xx that stores or queues anything: a valid body that would be accepted is sent as a dry run, and a policy write
// only ever carries preconditions that fail (or repeats the stored policy, which writes nothing).
import fc from 'fast-check';

export const CAMPAIGN_ID = '12345678-1234-1234-1234-123456789012';
/** serverless.yml's maxBodyBytes default. */
export const MAX_BODY_BYTES = 262_144;
const REQUIRED_SKILL = 'preview-qualified';
const ALLOWED_TIMEZONES = ['America/New_York', 'America/Chicago', 'America/Los_Angeles'];
const MAX_AGENTS = 50;
const MAX_CALLS_PER_AGENT = 2;

export type AuthCase =
  | 'valid'
  | 'missing'
  | 'empty'
  | 'empty-bearer'
  | 'prefix'
  | 'suffix'
  | 'upper'
  | 'basic'
  | 'no-scheme'
  | 'other';

/** Which local token `valid` credentials are: the API token (`assignments:*`) or the admin token (every scope). */
export type TokenName = 'api' | 'admin';

export interface FuzzRequest {
  /** Which generator made it (for the coverage count). */
  family: string;
  method: string;
  path: string;
  auth: AuthCase;
  /** The token the credentials are made from; the API token when absent. */
  token?: TokenName;
  /** Random text the wrong credentials are made of. */
  authNoise: string;
  headers: Record<string, string>;
  body?: Buffer;
  chunked: boolean;
  /** The statuses the contract allows for this request. */
  expected: readonly number[];
}

/** The Authorization header of `auth` for the API whose tokens are `tokens` (undefined: no header). */
export function authorizationOf(request: FuzzRequest, tokens: Record<TokenName, string>): string | undefined {
  const noise = request.authNoise;
  const token = tokens[request.token ?? 'api'];
  switch (request.auth) {
    case 'valid':
      return `Bearer ${token}`;
    case 'missing':
      return undefined;
    case 'empty':
      return '';
    case 'empty-bearer':
      return 'Bearer';
    case 'prefix':
      return `Bearer ${token.slice(0, noise.length % token.length)}`;
    case 'suffix':
      return `Bearer ${token}${noise}`;
    case 'upper':
      return `Bearer ${token.toUpperCase()}`;
    case 'basic':
      return `Basic ${Buffer.from(`api:${token}`).toString('base64')}`;
    case 'no-scheme':
      return token;
    case 'other':
      return `Bearer ${noise === tokens.api || noise === tokens.admin ? `${noise}x` : noise}`;
  }
}

/** A short description for failure messages: never the credentials, at most 300 characters of body. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body;
  const preview = body ? JSON.stringify(body.subarray(0, 300).toString('utf8')) : 'none';
  return (
    `[${request.family}] ${request.method} ${request.path.slice(0, 300)} auth=${request.auth} ` +
    `headers=${JSON.stringify(request.headers).slice(0, 400)} chunked=${request.chunked} ` +
    `body(${body?.length ?? 0} bytes)=${preview} expected=${request.expected.join('|')}`
  );
}

function withDescription(request: FuzzRequest): FuzzRequest {
  // fast-check prints counterexamples with this instead of dumping 256 KiB bodies.
  return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
}

// ---------------------------------------------------------------------------------------------------- strings

const visibleAscii = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 40,
});

/** Any text: unicode (astral, combining, RTL), control characters, lone surrogates. */
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('\u0000', '\u202e\u0041', '\ud800', '\udfff', 'e\u0301', '🚀', '\u2028', '\r\n', '\t', ' '),
);

// ---------------------------------------------------------------------------------------------------- paths

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Percent-encodes any text; lone surrogates (which UTF-8 cannot carry) become U+FFFD first. */
function encode(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'));
}

/** How the gateway reads a path parameter: percent-decoded, raw when that fails. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const RAW_SEGMENTS = ['%ZZ', '%', '%00', '%2F', '%2e%2e', '..', '.', '%C0%AF', '%E2%80%AE', '%F0%9F'];
const TRICKY_IDS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'null'];

/** One path segment (never empty, never `/`), with what the gateway decodes it to. */
const bogusSegment: fc.Arbitrary<string> = fc.oneof(
  anyText.filter((s) => s.length > 0).map(encode),
  fc.constantFrom(...RAW_SEGMENTS, ...TRICKY_IDS),
  fc.uuid(),
  fc.integer({ min: 129, max: 3000 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom(`${CAMPAIGN_ID}0`, `%20${CAMPAIGN_ID}`, `${CAMPAIGN_ID}%00`, CAMPAIGN_ID.slice(1)),
);

/** The configured campaign, sometimes percent-encoded in places (the gateway decodes it). */
const knownCampaignSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(CAMPAIGN_ID) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.boolean(), { minLength: CAMPAIGN_ID.length, maxLength: CAMPAIGN_ID.length })
      .map((encode) =>
        [...CAMPAIGN_ID]
          .map((c, i) => (encode[i] ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c))
          .join(''),
      ),
  },
);

const campaignSegment = fc.oneof(
  { weight: 5, arbitrary: knownCampaignSegment },
  { weight: 1, arbitrary: bogusSegment },
);

const isKnownCampaign = (segment: string) => decodeSegment(segment) === CAMPAIGN_ID;

const extraQuery = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.tuple(anyText, anyText).map(([name, value]) => `${encode(name)}=${encode(value)}`),
  },
);

// Valid here means not a 400: `%74rue` decodes to `true`; `dryrun` is another (ignored) parameter.
const VALID_DRY_RUNS = ['dryRun=true', 'dryRun=1', 'dryRun=false', 'dryRun=0', 'dryRun=%74rue', 'dryrun=yes'];
const INVALID_DRY_RUNS = [
  'dryRun=',
  'dryRun',
  'dryRun=TRUE',
  'dryRun=yes',
  'dryRun=true&dryRun=true',
  'dryRun=%20true',
  ...TRICKY_IDS.map((id) => `dryRun=${id}`),
];

/** Mostly absent or valid, so that most submissions get as far as the validation. */
const dryRunQuery = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 4, arbitrary: fc.constantFrom(...VALID_DRY_RUNS) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID_DRY_RUNS) },
  { weight: 1, arbitrary: anyText.map((value) => `dryRun=${encode(value)}`) },
);

function joinQuery(...parts: string[]): string {
  const present = parts.filter((p) => p !== '');
  return present.length === 0 ? '' : `?${present.join('&')}`;
}

type DryRun = 'absent' | 'true' | 'false' | 'invalid';

/** What the handler makes of the query's dryRun (the gateway joins repeated parameters with commas). */
function dryRunOf(query: string): DryRun {
  const values = new URLSearchParams(query).getAll('dryRun');
  if (values.length === 0) return 'absent';
  const value = values.join(',');
  if (value === 'true' || value === '1') return 'true';
  if (value === 'false' || value === '0') return 'false';
  return 'invalid';
}

// ---------------------------------------------------------------------------------------------------- headers

const authCase: fc.Arbitrary<AuthCase> = fc.oneof(
  { weight: 22, arbitrary: fc.constant<AuthCase>('valid') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<AuthCase>(
      'missing',
      'empty',
      'empty-bearer',
      'prefix',
      'suffix',
      'upper',
      'basic',
      'no-scheme',
      'other',
    ),
  },
);

const JSON_CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'Application/JSON',
  'application/problem+json',
  'application/vnd.api+json',
];
const OTHER_CONTENT_TYPES = [
  'text/plain',
  'text/json',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonp',
  'application/json-seq',
  'application/ json',
  'image/png',
  'application/octet-stream',
  '*/*',
  'json',
];

interface ContentType {
  value: string | undefined;
  json: boolean;
}

const contentType: fc.Arbitrary<ContentType> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...JSON_CONTENT_TYPES).map((value) => ({ value, json: true })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(undefined, ...OTHER_CONTENT_TYPES).map((value) => ({ value, json: false })),
  },
);

type KeyCase = 'absent' | 'valid' | 'invalid';

const idempotencyKey: fc.Arbitrary<{ value?: string; kind: KeyCase }> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'absent' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .string({
        unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 255,
      })
      .map((value) => ({ value, kind: 'valid' as const })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.integer({ min: 256, max: 600 }).map((n) => 'k'.repeat(n)),
        fc.constantFrom('a b', 'key\twith-tab', 'caf\u00e9', 'x y z'),
      )
      .map((value) => ({ value, kind: 'invalid' as const })),
  },
);

const EXTRA_HEADERS: Record<string, string>[] = [
  {},
  { cookie: 'session=abc; theme=dark' },
  { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' },
  { accept: 'application/xml' },
  { 'content-encoding': 'gzip' },
  { 'x-amzn-trace-id': 'Root=1-00000000-000000000000000000000000' },
];
const extraHeaders = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constantFrom(...EXTRA_HEADERS) },
);

// ---------------------------------------------------------------------------------------------------- bodies

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const VALID_WINDOWS = [
  { start: '09:00', end: '17:00', timezone: 'America/New_York' },
  { start: '08:30', end: '20:30', timezone: 'America/New_York' },
  { start: '10:00', end: '16:00', timezone: 'America/Chicago' },
  { start: '07:00', end: '15:00', timezone: 'America/Los_Angeles' },
];

function validAgent(index: number): fc.Arbitrary<Record<string, Json>> {
  return fc
    .record({
      extraSkills: fc.subarray(['sales', 'support', 'spanish', 'Ünïcödé skill 🚀']),
      window: fc.constantFrom(...VALID_WINDOWS),
      maxConcurrentCalls: fc.integer({ min: 1, max: MAX_CALLS_PER_AGENT }),
      recentCallRate: fc.option(fc.double({ min: 0, max: 50, noNaN: true }), { nil: undefined }),
    })
    .map(({ extraSkills, window, maxConcurrentCalls, recentCallRate }) => {
      const agent: Record<string, Json> = {
        userId: `agent-uuid-${String(index + 1).padStart(3, '0')}`,
        skills: [REQUIRED_SKILL, ...extraSkills],
        availabilityWindow: { ...window },
        maxConcurrentCalls,
      };
      if (recentCallRate !== undefined) agent.recentCallRate = recentCallRate;
      return agent;
    });
}

const validSubmission: fc.Arbitrary<Record<string, Json>> = fc
  .integer({ min: 1, max: 5 })
  .chain((count) =>
    fc.record({
      agents: fc.tuple(...Array.from({ length: count }, (_, i) => validAgent(i))),
      callRateTarget: fc.option(fc.double({ min: 0.1, max: 1000, noNaN: true }), { nil: undefined }),
      withCampaignId: fc.boolean(),
    }),
  )
  .map(({ agents, callRateTarget, withCampaignId }) => {
    const body: Record<string, Json> = { agents };
    if (callRateTarget !== undefined) body.callRateTarget = callRateTarget;
    if (withCampaignId) body.campaignId = CAMPAIGN_ID;
    return body;
  });

/** A JSON text still to be spliced in where its placeholder string is (raw numbers, deep nesting). */
interface Splice {
  placeholder: string;
  raw: string;
}

interface Draft {
  body: Json;
  splices: Splice[];
}

type Mutation = (draft: Draft) => void;

function rawValue(draft: Draft, raw: string): string {
  const placeholder = `__raw_value_${draft.splices.length}_7c1f__`;
  draft.splices.push({ placeholder, raw });
  return placeholder;
}

function serialize(draft: Draft): string {
  let text = JSON.stringify(draft.body);
  for (const { placeholder, raw } of draft.splices) text = text.split(`"${placeholder}"`).join(raw);
  return text;
}

function root(draft: Draft): Record<string, Json> | undefined {
  const body = draft.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
}

function firstAgent(draft: Draft): Record<string, Json> | undefined {
  const agents = root(draft)?.agents;
  const agent = Array.isArray(agents) ? agents[0] : undefined;
  return agent !== null && typeof agent === 'object' && !Array.isArray(agent) ? agent : undefined;
}

function firstWindow(draft: Draft): Record<string, Json> | undefined {
  const window = firstAgent(draft)?.availabilityWindow;
  return window !== null && typeof window === 'object' && !Array.isArray(window) ? window : undefined;
}

/** Sets an own property, also for `__proto__` (plain assignment would set the prototype instead). */
function setOwn(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Level = 'root' | 'agent' | 'window';

function target(draft: Draft, level: Level): Record<string, Json> | undefined {
  if (level === 'root') return root(draft);
  if (level === 'agent') return firstAgent(draft);
  return firstWindow(draft);
}

const REQUIRED_FIELDS: [Level, string][] = [
  ['root', 'agents'],
  ['agent', 'userId'],
  ['agent', 'skills'],
  ['agent', 'availabilityWindow'],
  ['agent', 'maxConcurrentCalls'],
  ['window', 'start'],
  ['window', 'end'],
  ['window', 'timezone'],
];

type FieldType = 'string' | 'number' | 'array' | 'object';

const TYPED_FIELDS: [Level, string, FieldType][] = [
  ['root', 'agents', 'array'],
  ['root', 'campaignId', 'string'],
  ['root', 'callRateTarget', 'number'],
  ['agent', 'userId', 'string'],
  ['agent', 'skills', 'array'],
  ['agent', 'availabilityWindow', 'object'],
  ['agent', 'maxConcurrentCalls', 'number'],
  ['agent', 'recentCallRate', 'number'],
  ['window', 'start', 'string'],
  ['window', 'end', 'string'],
  ['window', 'timezone', 'string'],
];

const VALUES_BY_TYPE: Record<FieldType | 'other', Json[]> = {
  string: ['', 'NaN', 'Infinity', '-0', '1e308', '1', 'null', 'true', '🚀', '\u0000'],
  number: [0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER],
  array: [[], ['a'], [[]], [null]],
  object: [{}, { a: 1 }],
  other: [null, true, false],
};

/** Values of any JSON type but `type` (optional fields do not accept null either). */
function wrongValue(type: FieldType): fc.Arbitrary<Json> {
  const pool = (Object.keys(VALUES_BY_TYPE) as (FieldType | 'other')[])
    .filter((t) => t !== type)
    .flatMap((t) => VALUES_BY_TYPE[t]);
  return fc.constantFrom(...pool);
}

const removeRequired: fc.Arbitrary<Mutation> = fc
  .constantFrom(...REQUIRED_FIELDS)
  .map(([level, key]) => (draft) => {
    const object = target(draft, level);
    if (object) delete object[key];
    else draft.body = {}; // the level is already gone: an empty object lacks `agents`
  });

const wrongType: fc.Arbitrary<Mutation> = fc
  .constantFrom(...TYPED_FIELDS)
  .chain(([level, key, type]) => wrongValue(type).map((value) => ({ level, key, value })))
  .map(({ level, key, value }) => (draft) => {
    const object = target(draft, level);
    if (object) setOwn(object, key, value);
    else draft.body = [value];
  });

const ALLOWED_KEYS = new Set([
  'campaignId',
  'agents',
  'callRateTarget',
  'userId',
  'skills',
  'availabilityWindow',
  'maxConcurrentCalls',
  'recentCallRate',
  'start',
  'end',
  'timezone',
]);
const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'agents ',
  'userid',
  'Agents',
  '名前',
  '\u0000',
  '\u202eagents',
  '$where',
  '__defineGetter__',
];

const unknownKey: fc.Arbitrary<Mutation> = fc
  .record({
    level: fc.constantFrom<Level>('root', 'agent', 'window'),
    key: fc.oneof(
      fc.constantFrom(...HOSTILE_KEYS),
      anyText,
      fc.integer({ min: 1000, max: 20_000 }).map((n) => 'k'.repeat(n)),
    ),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
      fc.constant<Json>({ polluted: 'yes', isAdmin: true, maxAgents: 100_000 }),
    ),
  })
  .filter(({ key }) => !ALLOWED_KEYS.has(key))
  .map(({ level, key, value }) => (draft) => {
    const object = target(draft, level) ?? root(draft);
    if (object) setOwn(object, key, value);
    else draft.body = [value];
  });

const ID_SHAPE = /^[A-Za-z0-9._:@-]{1,128}$/;
const TIME_SHAPE = /^([01]\d|2[0-3]):[0-5]\d$/;

const badUserId = fc.oneof(
  fc.constant(''),
  fc.integer({ min: 129, max: 200_000 }).map((n) => 'u'.repeat(n)),
  anyText.filter((s) => !ID_SHAPE.test(s)),
  fc.constantFrom('agent 001', 'agent/001', 'agent\u0000', 'ágent', '<script>', "a'; DROP TABLE", '../etc'),
);
const badTime = fc.oneof(
  fc.constantFrom(
    '24:00',
    '9:00',
    '09:60',
    '0900',
    '09:00:00',
    '٠٩:٠٠',
    ' 09:00',
    '09:00\n',
    '-1:00',
    '12:3',
  ),
  anyText.filter((s) => !TIME_SHAPE.test(s)),
);
const badTimezone = fc.oneof(
  fc.constantFrom(
    'Europe/Paris',
    'UTC',
    'Etc/GMT+5',
    'america/new_york',
    'America/New_York ',
    'EST',
    'Mars/Base',
  ),
  fc.constantFrom('__proto__', 'constructor', '../../etc/passwd', 'America/New_York\u0000', 'x'.repeat(65)),
  anyText,
);
const badSkills: fc.Arbitrary<Json> = fc.oneof(
  fc.constant<Json>([]),
  fc.constant<Json>([REQUIRED_SKILL, REQUIRED_SKILL]),
  fc.constant<Json>([REQUIRED_SKILL, '']),
  fc.constant<Json>(['sales']),
  fc.integer({ min: 129, max: 200_000 }).map((n): Json => [REQUIRED_SKILL, 's'.repeat(n)]),
  fc.integer({ min: 2, max: 30_000 }).map((n): Json => [REQUIRED_SKILL, ...Array<string>(n).fill('dup')]),
);

const badString: fc.Arbitrary<Mutation> = fc.oneof(
  badUserId.map(
    (value): Mutation =>
      (draft) =>
        setOn(draft, 'agent', 'userId', value),
  ),
  badTime.map(
    (value): Mutation =>
      (draft) =>
        setOn(draft, 'window', 'start', value),
  ),
  badTime.map(
    (value): Mutation =>
      (draft) =>
        setOn(draft, 'window', 'end', value),
  ),
  badTimezone
    .filter((tz) => !ALLOWED_TIMEZONES.includes(tz))
    .map(
      (value): Mutation =>
        (draft) =>
          setOn(draft, 'window', 'timezone', value),
    ),
  fc.constantFrom('00:00', '12:00', '23:59').map(
    (time): Mutation =>
      (draft) => {
        setOn(draft, 'window', 'start', time);
        setOn(draft, 'window', 'end', time);
      },
  ),
  badSkills.map(
    (value): Mutation =>
      (draft) =>
        setOn(draft, 'agent', 'skills', value),
  ),
  fc.constantFrom('another-campaign', `${CAMPAIGN_ID}x`, 'x'.repeat(129), '').map(
    (value): Mutation =>
      (draft) =>
        setOn(draft, 'root', 'campaignId', value),
  ),
);

/** Sets `key` on the level, or replaces the body with something invalid when the level is gone already. */
function setOn(draft: Draft, level: Level, key: string, value: Json): void {
  const object = target(draft, level);
  if (object) setOwn(object, key, value);
  else draft.body = [value];
}

// Raw number literals: JSON.stringify cannot write -0, 1e309 (Infinity) or integers past 2^53 as sent.
const BAD_CALLS = [
  '0',
  '-1',
  '1.5',
  '3',
  '1e308',
  '-0',
  '9007199254740992',
  '9007199254740993',
  '1e309',
  '-1e309',
];
const BAD_RATES = ['-1', '-5e-324', '-1e308', '1e309', '-1e309', '-0.000001', '1E400'];
const BAD_TARGETS = ['0', '-0', '-1', '0.0', '-0.0', '1e-400', '1e309', '-1e309', '-5e-324'];

const badNumber: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...BAD_CALLS).map(
    (raw): Mutation =>
      (draft) =>
        setOn(draft, 'agent', 'maxConcurrentCalls', rawValue(draft, raw)),
  ),
  fc.constantFrom(...BAD_RATES).map(
    (raw): Mutation =>
      (draft) =>
        setOn(draft, 'agent', 'recentCallRate', rawValue(draft, raw)),
  ),
  fc.constantFrom(...BAD_TARGETS).map(
    (raw): Mutation =>
      (draft) =>
        setOn(draft, 'root', 'callRateTarget', rawValue(draft, raw)),
  ),
);

const tooManyAgents: fc.Arbitrary<Mutation> = fc.integer({ min: MAX_AGENTS + 1, max: 160 }).map(
  (count): Mutation =>
    (draft) => {
      const agents: Json[] = Array.from({ length: count }, (_, i) => ({
        userId: `agent-${i}`,
        skills: [REQUIRED_SKILL],
        availabilityWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' },
        maxConcurrentCalls: 1,
      }));
      setOn(draft, 'root', 'agents', agents);
    },
);

const duplicateUserId: Mutation = (draft) => {
  const agents = root(draft)?.agents;
  const agent = firstAgent(draft);
  if (Array.isArray(agents) && agent) agents.push(JSON.parse(JSON.stringify(agent)) as Json);
  else draft.body = [];
};

const rootNotObject: fc.Arbitrary<Mutation> = fc
  .constantFrom<Json>([], 'agents', 42, null, true, [{ agents: [] }])
  .map(
    (value): Mutation =>
      (draft) => {
        draft.body = value;
      },
  );

const deepNesting: fc.Arbitrary<Mutation> = fc
  .record({
    depth: fc.integer({ min: 100, max: 20_000 }),
    open: fc.constantFrom('[', '{"a":'),
    at: fc.constantFrom<[Level, string]>(
      ['root', 'agents'],
      ['root', 'extra'],
      ['agent', 'skills'],
      ['agent', 'userId'],
      ['window', 'timezone'],
    ),
  })
  .map(
    ({ depth, open, at }): Mutation =>
      (draft) => {
        const close = open === '[' ? ']' : '}';
        const raw = `${open.repeat(depth)}1${close.repeat(depth)}`;
        setOn(draft, at[0], at[1], rawValue(draft, raw));
      },
  );

const hugeArray: fc.Arbitrary<Mutation> = fc
  .record({
    count: fc.integer({ min: 1000, max: 60_000 }),
    item: fc.constantFrom('1', '{}', 'null', '[]', '"a"'),
  })
  .map(
    ({ count, item }): Mutation =>
      (draft) => {
        setOn(draft, 'root', 'agents', rawValue(draft, `[${Array<string>(count).fill(item).join(',')}]`));
      },
  );

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: removeRequired },
  { weight: 4, arbitrary: wrongType },
  { weight: 4, arbitrary: unknownKey },
  { weight: 4, arbitrary: badString },
  { weight: 3, arbitrary: badNumber },
  { weight: 1, arbitrary: tooManyAgents },
  { weight: 1, arbitrary: fc.constant(duplicateUserId) },
  { weight: 1, arbitrary: rootNotObject },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: hugeArray },
);

/** A submission made invalid by one to three mutations, each of which alone breaks the contract. */
const invalidBodyText: fc.Arbitrary<string> = fc
  .tuple(validSubmission, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([body, mutations]) => {
    const draft: Draft = { body: JSON.parse(JSON.stringify(body)) as Json, splices: [] };
    for (const mutate of mutations) mutate(draft);
    return serialize(draft);
  });

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const MALFORMED_INSERTS = [
  ',',
  '}',
  ']',
  '{',
  '"',
  ':',
  "'",
  'NaN',
  'undefined',
  '/*x*/',
  '\\',
  'tru',
  '\u0001',
];

const malformedBodyText: fc.Arbitrary<string> = validSubmission
  .map((body) => JSON.stringify(body))
  .chain((text) =>
    fc.oneof(
      fc.nat({ max: text.length - 1 }).map((n) => text.slice(0, n)),
      fc
        .tuple(fc.nat({ max: text.length }), fc.constantFrom(...MALFORMED_INSERTS))
        .map(([at, insert]) => text.slice(0, at) + insert + text.slice(at)),
      fc.constantFrom(',', '}', 'x', '{}', ' {"a":1}', '\u0000').map((tail) => text + tail),
      fc.constant(`\ufeff${text}`),
      fc.constant(text.replaceAll('"', "'")),
      fc.constant(text.replace('}', ',}')),
      fc.constantFrom('', ' ', 'null null', '{', '[1,]', '{"agents":[1,2,]}', '"\\u12"', '{"a" 1}', '01'),
    ),
  )
  .filter((text) => !parses(text));

const garbageBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 512 }).map((s) => Buffer.from(s, 'utf8')),
  fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
);

type BodyKind = 'valid' | 'invalid' | 'malformed' | 'garbage';

const submitBody: fc.Arbitrary<{ body: Buffer; kind: BodyKind }> = fc.oneof(
  { weight: 3, arbitrary: validSubmission.map((b) => ({ body: json(b), kind: 'valid' as const })) },
  { weight: 18, arbitrary: invalidBodyText.map((t) => ({ body: Buffer.from(t), kind: 'invalid' as const })) },
  {
    weight: 3,
    arbitrary: malformedBodyText.map((t) => ({ body: Buffer.from(t), kind: 'malformed' as const })),
  },
  { weight: 2, arbitrary: garbageBody.map((body) => ({ body, kind: 'garbage' as const })) },
);

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** Around the size limit: padded valid submissions (the exact boundary) and bodies of empty agents. */
const sizedBody: fc.Arbitrary<{ body: Buffer; kind: BodyKind }> = fc
  .record({
    size: fc.oneof(
      fc.constantFrom(MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1),
      fc.integer({ min: MAX_BODY_BYTES - 4096, max: MAX_BODY_BYTES + 65_536 }),
    ),
    valid: validSubmission,
    shape: fc.constantFrom('padded-valid', 'empty-agents', 'huge-string'),
  })
  .map(({ size, valid, shape }) => {
    if (shape === 'padded-valid') {
      const text = JSON.stringify(valid);
      return {
        body: Buffer.from(text + ' '.repeat(Math.max(0, size - text.length))),
        kind: 'valid' as const,
      };
    }
    if (shape === 'empty-agents') {
      const count = Math.max(1, Math.floor((size - 13) / 3));
      const text = `{"agents":[${Array<string>(count).fill('{}').join(',')}]}`;
      return {
        body: Buffer.from(text + ' '.repeat(Math.max(0, size - text.length))),
        kind: 'invalid' as const,
      };
    }
    const text = `{"agents":[{"userId":"${'u'.repeat(Math.max(0, size - 17))}"}]}`;
    return { body: Buffer.from(text), kind: 'invalid' as const };
  });

// ---------------------------------------------------------------------------------------------------- model

const TEXT_CONTENT_TYPE =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** The body size the handler measures: text bodies go through the gateway as UTF-8 strings. */
function measuredBytes(body: Buffer, type: string | undefined): number {
  return TEXT_CONTENT_TYPE.test(type ?? '') ? Buffer.byteLength(body.toString('utf8')) : body.length;
}

interface SubmitParts {
  campaign: string;
  query: string;
  auth: AuthCase;
  contentType: ContentType;
  key: { value?: string; kind: KeyCase };
  body: { body: Buffer; kind: BodyKind };
}

function submitStatus(parts: SubmitParts): number {
  if (parts.auth !== 'valid') return 401;
  if (measuredBytes(parts.body.body, parts.contentType.value) > MAX_BODY_BYTES) return 413;
  if (!parts.contentType.json) return 415;
  if (!parses(parts.body.body.toString('utf8'))) return 400;
  const dryRun = dryRunOf(parts.query);
  if (dryRun === 'invalid') return 400;
  if (!isKnownCampaign(parts.campaign)) return 404;
  if (parts.key.kind === 'invalid') return 400;
  if (parts.body.kind !== 'valid') return 422;
  return dryRun === 'true' ? 200 : 202;
}

function submitRequest(
  family: string,
  parts: SubmitParts,
  noise: string,
  extra: Record<string, string>,
  chunked: boolean,
) {
  let { query } = parts;
  let status = submitStatus(parts);
  if (status === 202) {
    // Never store anything: what would be accepted is asked as a dry run instead.
    query = joinQuery(query.replace(/^\?/, '').replace(/(^|&)dryRun(=[^&]*)?/g, ''), 'dryRun=true');
    status = submitStatus({ ...parts, query });
  }
  const headers: Record<string, string> = { ...extra };
  if (parts.contentType.value !== undefined) headers['content-type'] = parts.contentType.value;
  if (parts.key.value !== undefined) headers['idempotency-key'] = parts.key.value;
  return withDescription({
    family,
    method: 'PUT',
    path: `/campaigns/${parts.campaign}/agents${query}`,
    auth: parts.auth,
    authNoise: noise,
    headers,
    body: parts.body.body,
    chunked,
    expected: [status],
  });
}

function submitArbitrary(family: string, body: fc.Arbitrary<{ body: Buffer; kind: BodyKind }>) {
  return fc
    .record({
      campaign: campaignSegment,
      dryRun: dryRunQuery,
      extraQuery,
      auth: authCase,
      contentType,
      key: idempotencyKey,
      body,
      noise: visibleAscii,
      extra: extraHeaders,
      chunked: fc.boolean(),
    })
    .map((r) =>
      submitRequest(
        family,
        {
          campaign: r.campaign,
          query: joinQuery(r.dryRun, r.extraQuery),
          auth: r.auth,
          contentType: r.contentType,
          key: r.key,
          body: r.body,
        },
        r.noise,
        r.extra,
        r.chunked,
      ),
    );
}

function getRequest(family: string, path: string, auth: AuthCase, noise: string, found: number): FuzzRequest {
  return withDescription({
    family,
    method: 'GET',
    path,
    auth,
    authNoise: noise,
    headers: {},
    chunked: false,
    expected: [auth === 'valid' ? found : 401],
  });
}

const getAssignment = fc
  .record({ id: bogusSegment, query: extraQuery, auth: authCase, noise: visibleAscii })
  .map((r) =>
    getRequest('get-assignment', `/assignments/${r.id}${joinQuery(r.query)}`, r.auth, r.noise, 404),
  );

const getCampaignAgents = fc
  .record({ campaign: campaignSegment, query: extraQuery, auth: authCase, noise: visibleAscii })
  .map((r) =>
    // Nothing is ever stored while fuzzing, so even the configured campaign has no desired state: 404.
    getRequest(
      'get-campaign-agents',
      `/campaigns/${r.campaign}/agents${joinQuery(r.query)}`,
      r.auth,
      r.noise,
      404,
    ),
  );

const health = fc
  .record({ query: extraQuery, auth: authCase, noise: visibleAscii })
  .map((r) => getRequest('health', `/health${joinQuery(r.query)}`, r.auth, r.noise, 200));

const OTHER_METHODS = ['POST', 'PATCH', 'DELETE', 'OPTIONS'];

const wrongMethod = fc
  .record({
    route: fc.oneof(
      campaignSegment.map((c) => ({ path: `/campaigns/${c}/agents`, extra: [] as string[] })),
      fc.constant({ path: '/campaigns', extra: ['PUT'] }),
      campaignSegment
        .map((c) => ({ path: `/campaigns/${c}`, extra: [] as string[] }))
        .map((route) => ({
          ...route,
          // DELETE is a route of /campaigns/{campaignId}.
          methods: ['POST', 'PATCH', 'OPTIONS'],
        })),
      campaignSegment.map((c) => ({ path: `/campaigns/${c}/versions`, extra: ['PUT'] })),
      bogusSegment.map((id) => ({ path: `/assignments/${id}`, extra: ['PUT'] })),
      fc.constant({ path: '/health', extra: ['PUT'] }),
    ),
    pick: fc.nat(),
    auth: authCase,
    noise: visibleAscii,
    body: fc.option(validSubmission.map(json), { nil: undefined }),
  })
  .map((r) => {
    const methods = 'methods' in r.route ? r.route.methods : [...OTHER_METHODS, ...r.route.extra];
    return withDescription({
      family: 'wrong-method',
      method: methods[r.pick % methods.length] as string,
      path: r.route.path,
      auth: r.auth,
      authNoise: r.noise,
      headers: r.body ? { 'content-type': 'application/json' } : {},
      ...(r.body ? { body: r.body } : {}),
      chunked: false,
      expected: [405],
    });
  });

const unknownPath = fc
  .record({
    seg: bogusSegment,
    seg2: bogusSegment,
    first: anyText
      .map(encode)
      .filter((s) => s !== '' && !['campaigns', 'assignments', 'health', 'webhooks'].includes(s)),
    shape: fc.nat({ max: 16 }),
    query: extraQuery,
    method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'),
    auth: authCase,
    noise: visibleAscii,
  })
  .map((r) => {
    const shapes = [
      '/',
      '/campaigns/',
      `/campaigns/${r.seg}/versions/`,
      `/campaigns/${r.seg}/Versions`,
      `/campaigns/${r.seg}/agents/`,
      `/campaigns/${r.seg}/agents/${r.seg2}`,
      '/campaigns//agents',
      `/Campaigns/${r.seg}/agents`,
      `/campaigns/${r.seg}/Agents`,
      '/assignments',
      '/assignments/',
      `/assignments/${r.seg}/${r.seg2}`,
      '/health/',
      '/healthz',
      '//health',
      `/${r.first}/${r.seg}`,
    ];
    return withDescription({
      family: 'unknown-path',
      method: r.method,
      path: `${shapes[r.shape % shapes.length]}${joinQuery(r.query)}`,
      auth: r.auth,
      authNoise: r.noise,
      headers: {},
      chunked: false,
      expected: [404],
    });
  });

// ---------------------------------------------------------------------------------------------------- policies

/** The seeded campaign's policy (config/campaign-policies.json), as stored at version 1. */
const SEEDED_POLICY: Record<string, Json> = {
  cxoneSkillId: 4501234,
  timezone: 'America/New_York',
  callingHours: { start: '08:00', end: '21:00' },
  allowedAgentTimezones: ALLOWED_TIMEZONES,
  minWindowOverlapMinutes: 60,
  maxAgents: MAX_AGENTS,
  maxConcurrentCallsPerAgent: MAX_CALLS_PER_AGENT,
  requiredSkills: [REQUIRED_SKILL],
  callRateTarget: 8.5,
  capacityThreshold: 0.3,
};

/** Mostly the admin token; sometimes the API token, which lacks campaigns:admin (403). */
const adminRouteToken = fc.oneof(
  { weight: 5, arbitrary: fc.constant<TokenName>('admin') },
  { weight: 1, arbitrary: fc.constant<TokenName>('api') },
);

/** Credentials first: 401 for wrong ones, 403 for the API token; undefined when the request gets through. */
function adminAuthStatus(auth: AuthCase, token: TokenName): number | undefined {
  if (auth !== 'valid') return 401;
  return token === 'admin' ? undefined : 403;
}

const isWellFormedId = (segment: string) => ID_SHAPE.test(decodeSegment(segment));

const VALID_LIMITS = ['1', '2', '50', '100', '050'];
const INVALID_LIMITS = ['0', '101', '-1', '1.5', 'ten', '', '1e2', '0050', 'constructor', '1,2'];
/** Cursors none of the lists gave out, and (base64url of `v:1`) one of the other list. */
const FORGED_CURSORS = ['forged', 'x'.repeat(2000), '%00', 'cDo'];
/** Real cursors: of the policies list after the seeded campaign, of a versions list after version 1. */
const SEEDED_CURSOR = Buffer.from(`p:${CAMPAIGN_ID}`).toString('base64url');
const VERSION_1_CURSOR = Buffer.from('v:1').toString('base64url');

const pageQuery = fc.record({
  limit: fc.oneof(
    { weight: 3, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...VALID_LIMITS) },
    { weight: 1, arbitrary: fc.constantFrom<string | undefined>(...INVALID_LIMITS) },
  ),
  cursor: fc.oneof(
    { weight: 4, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 1, arbitrary: fc.constantFrom<string | undefined>(SEEDED_CURSOR, VERSION_1_CURSOR) },
    { weight: 1, arbitrary: fc.constantFrom<string | undefined>(...FORGED_CURSORS) },
  ),
});

function pageQueryText(page: { limit: string | undefined; cursor: string | undefined }): string[] {
  return [
    ...(page.limit === undefined ? [] : [`limit=${encodeURIComponent(page.limit)}`]),
    ...(page.cursor === undefined ? [] : [`cursor=${encodeURIComponent(page.cursor)}`]),
  ];
}

/** The handler's own check of the query: 400 for a limit outside 1–100 or a cursor of other than base64url. */
function pageParamsStatus(page: {
  limit: string | undefined;
  cursor: string | undefined;
}): number | undefined {
  const limit = page.limit;
  if (limit !== undefined && (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 100))
    return 400;
  if (page.cursor !== undefined && !/^[A-Za-z0-9_-]{1,2048}$/.test(page.cursor)) return 400;
  return undefined;
}

/** The store's check of the cursor: only a cursor of this list (policies `p:…`, versions `v:<n>`) is read, 422. */
function cursorStatus(cursor: string | undefined, list: 'p' | 'v'): number | undefined {
  if (cursor === undefined) return undefined;
  const ours = list === 'p' ? SEEDED_CURSOR : VERSION_1_CURSOR;
  return cursor === ours ? undefined : 422;
}

const policyRead = fc
  .record({
    shape: fc.constantFrom('list', 'get', 'versions'),
    campaign: campaignSegment,
    page: pageQuery,
    auth: authCase,
    token: adminRouteToken,
    noise: visibleAscii,
  })
  .map((r) => {
    const known = isKnownCampaign(r.campaign);
    let path: string;
    let status: number;
    const auth = adminAuthStatus(r.auth, r.token);
    if (r.shape === 'list') {
      path = `/campaigns${joinQuery(...pageQueryText(r.page))}`;
      status = auth ?? pageParamsStatus(r.page) ?? cursorStatus(r.page.cursor, 'p') ?? 200;
    } else if (r.shape === 'get') {
      path = `/campaigns/${r.campaign}`;
      status = auth ?? (known ? 200 : 404);
    } else {
      path = `/campaigns/${r.campaign}/versions${joinQuery(...pageQueryText(r.page))}`;
      status = auth ?? pageParamsStatus(r.page) ?? (known ? (cursorStatus(r.page.cursor, 'v') ?? 200) : 404);
    }
    return withDescription({
      family: `policy-${r.shape}`,
      method: 'GET',
      path,
      auth: r.auth,
      token: r.token,
      authNoise: r.noise,
      headers: {},
      chunked: false,
      expected: [status],
    });
  });

type PolicyBodyKind = 'stored' | 'valid' | 'invalid' | 'malformed';

/** One change that makes a policy body invalid, whatever else it holds. */
const policyMutation: fc.Arbitrary<(body: Record<string, Json>) => Json> = fc.oneof(
  fc.constantFrom(...Object.keys(SEEDED_POLICY)).map((key) => (body: Record<string, Json>) => {
    delete body[key];
    return body;
  }),
  fc
    .tuple(
      fc.constantFrom(...Object.keys(SEEDED_POLICY)),
      fc.constantFrom<Json>(null, 'x', -1, [], {}, true, 'Infinity'),
    )
    // An empty list is a valid requiredSkills.
    .filter(([key, value]) => !(key === 'requiredSkills' && Array.isArray(value)))
    .map(([key, value]) => (body: Record<string, Json>) => {
      setOwn(body, key, value);
      return body;
    }),
  fc
    .tuple(
      fc.constantFrom(...HOSTILE_KEYS, 'membershipx', 'version', 'updatedAt'),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([key, value]) => (body: Record<string, Json>) => {
      setOwn(body, key, value as Json);
      return body;
    }),
  fc
    .constantFrom<[string, Json]>(
      ['maxAgents', 0],
      ['maxAgents', 1.5],
      ['capacityThreshold', 1.01],
      ['timezone', 'Mars/Base'],
      ['callingHours', { start: '09:00', end: '09:00' }],
      ['allowedAgentTimezones', ['UTC', 'UTC']],
      ['allowedAgentTimezones', []],
      ['requiredSkills', ['a', 'a']],
      ['minWindowOverlapMinutes', 1441],
      ['cxoneSkillId', 0],
      ['campaignId', 'another-campaign'],
      ['campaignId', ''],
    )
    .map(([key, value]) => (body: Record<string, Json>) => {
      setOwn(body, key, value);
      return body;
    }),
  fc.constantFrom<Json>([], 'policy', 42, null).map((value) => () => value),
);

const policyBody: fc.Arbitrary<{ body: Buffer; kind: PolicyBodyKind }> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ body: json(SEEDED_POLICY), kind: 'stored' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .record({ maxAgents: fc.integer({ min: 1, max: 49 }), withId: fc.boolean() })
      .map(({ maxAgents, withId }) => ({
        body: json({ ...SEEDED_POLICY, maxAgents, ...(withId ? { campaignId: CAMPAIGN_ID } : {}) }),
        kind: 'valid' as const,
      })),
  },
  {
    weight: 6,
    arbitrary: fc.array(policyMutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
      let body: Json = JSON.parse(JSON.stringify(SEEDED_POLICY)) as Json;
      for (const mutate of mutations) {
        body = body !== null && typeof body === 'object' && !Array.isArray(body) ? mutate(body) : body;
      }
      return { body: json(body), kind: 'invalid' as const };
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('{', '{"maxAgents":', '[1,]', '', 'null null', `${JSON.stringify(SEEDED_POLICY)},`)
      .map((text) => ({ body: Buffer.from(text), kind: 'malformed' as const })),
  },
);

/** If-Match values that never match version 1 of the seeded campaign (strong comparison). */
const STALE_IF_MATCH = ['"2"', '"999"', '"0"', 'W/"1"', '1', '"x"', '"1', '"01"', ''];
const ifMatchHeader = fc.oneof(
  { weight: 2, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...STALE_IF_MATCH) },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>('"1"', '*', '"7", "1"') },
);
const ifNoneMatchHeader = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>('*', '"1"', 'W/"1"', '"5"') },
);
const FORCE_VALUES = ['true', 'false', '1', '0'];
const forceQuery = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...FORCE_VALUES) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<string | undefined>('yes', 'TRUE', '', 'constructor', 'true,true'),
  },
);

const matchesVersion1 = (header: string | undefined, weak: boolean) =>
  header !== undefined &&
  (header.trim() === '*' ||
    header.split(',').some((tag) => tag.trim() === '"1"' || (weak && tag.trim() === 'W/"1"')));

/**
 * PUT /campaigns/{campaignId}. Safe by construction: a write to the seeded campaign either fails a precondition
 * or repeats the stored policy; a campaign that does not exist gets a failing If-Match, an invalid body, or the
 * seeded campaign's skill (409, decided before CXone is asked).
 */
const policyPut = fc
  .record({
    campaign: campaignSegment,
    ifMatch: ifMatchHeader,
    ifNoneMatch: ifNoneMatchHeader,
    force: forceQuery,
    body: policyBody,
    contentType,
    auth: authCase,
    token: adminRouteToken,
    noise: visibleAscii,
    chunked: fc.boolean(),
  })
  .map((r) => {
    const known = isKnownCampaign(r.campaign);
    let { ifMatch, body } = r;
    // What would replace the seeded policy is sent with a stale If-Match instead.
    if (known && matchesVersion1(ifMatch, false) && r.body.kind !== 'stored' && r.body.kind !== 'malformed') {
      ifMatch = '"2"';
    }
    // A valid new campaign on a free skill would be created: it is given the seeded campaign's skill.
    if (!known && body.kind === 'valid') body = { body: json(SEEDED_POLICY), kind: 'stored' };
    const status = ((): number => {
      const auth = adminAuthStatus(r.auth, r.token);
      if (auth) return auth;
      if (measuredBytes(body.body, r.contentType.value) > MAX_BODY_BYTES) return 413;
      if (!r.contentType.json) return 415;
      if (body.kind === 'malformed') return 400;
      if (r.force !== undefined && !FORCE_VALUES.includes(r.force)) return 400;
      // An id no campaign can have is refused before any precondition.
      if (!isWellFormedId(r.campaign)) return 422;
      if (ifMatch !== undefined && (!known || !matchesVersion1(ifMatch, false))) return 412;
      if (r.ifNoneMatch !== undefined && known && matchesVersion1(r.ifNoneMatch, true)) return 412;
      if (known && ifMatch === undefined) return 428;
      if (body.kind === 'invalid') return 422;
      return known ? 200 : 409; // the stored policy again; the seeded campaign's skill
    })();
    const headers: Record<string, string> = {};
    if (r.contentType.value !== undefined) headers['content-type'] = r.contentType.value;
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    if (r.ifNoneMatch !== undefined) headers['if-none-match'] = r.ifNoneMatch;
    return withDescription({
      family: 'policy-put',
      method: 'PUT',
      path: `/campaigns/${r.campaign}${joinQuery(r.force === undefined ? '' : `force=${encodeURIComponent(r.force)}`)}`,
      auth: r.auth,
      token: r.token,
      authNoise: r.noise,
      headers,
      body: body.body,
      chunked: r.chunked,
      expected: [status],
    });
  });

/** DELETE /campaigns/{campaignId}: never with the seeded campaign's current ETag. */
const policyDelete = fc
  .record({
    campaign: campaignSegment,
    ifMatch: fc.oneof(
      fc.constant<string | undefined>(undefined),
      fc.constantFrom<string | undefined>(...STALE_IF_MATCH),
      fc.constant<string | undefined>('*'),
    ),
    auth: authCase,
    token: adminRouteToken,
    noise: visibleAscii,
  })
  .map((r) => {
    const known = isKnownCampaign(r.campaign);
    const ifMatch = known && r.ifMatch === '*' ? '"3"' : r.ifMatch;
    const status = adminAuthStatus(r.auth, r.token) ?? (!known ? 404 : ifMatch === undefined ? 428 : 412);
    return withDescription({
      family: 'policy-delete',
      method: 'DELETE',
      path: `/campaigns/${r.campaign}`,
      auth: r.auth,
      token: r.token,
      authNoise: r.noise,
      headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
      chunked: false,
      expected: [status],
    });
  });

/**
 * The webhook-endpoint routes with an id that is no endpoint's: 404 for each of them (a JSON body is sent where the
 * route reads one, so the endpoint lookup is what answers), 401 without valid credentials, 403 without the scope.
 * Nothing is created.
 */
const unknownWebhookEndpoint = fc
  .record({
    id: bogusSegment,
    route: fc.constantFrom(
      { method: 'GET', suffix: '', body: false },
      { method: 'PATCH', suffix: '', body: true },
      { method: 'DELETE', suffix: '', body: false },
      { method: 'GET', suffix: '/deliveries', body: false },
      { method: 'POST', suffix: '/rotate-secret', body: true },
      { method: 'POST', suffix: '/rotate-secret', body: false },
      { method: 'POST', suffix: '/replay', body: true },
    ),
    auth: authCase,
    token: adminRouteToken,
    noise: visibleAscii,
  })
  .map((r) =>
    withDescription({
      family: 'webhook-endpoint-unknown',
      method: r.route.method,
      path: `/webhooks/endpoints/${r.id}${r.route.suffix}`,
      auth: r.auth,
      token: r.token,
      authNoise: r.noise,
      headers: r.route.body ? { 'content-type': 'application/json' } : {},
      ...(r.route.body ? { body: json({ since: '2025-03-10T12:00:00Z' }) } : {}),
      chunked: false,
      // The admin token holds webhooks:admin; the API token does not (403).
      expected: [adminAuthStatus(r.auth, r.token) ?? 404],
    }),
  );

/** Every kind of hostile request, weighted towards the routes where the validation is. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 60, arbitrary: submitArbitrary('submit', submitBody) },
  { weight: 3, arbitrary: submitArbitrary('submit-sized', sizedBody) },
  { weight: 8, arbitrary: getAssignment },
  { weight: 6, arbitrary: getCampaignAgents },
  { weight: 3, arbitrary: health },
  { weight: 10, arbitrary: wrongMethod },
  { weight: 10, arbitrary: unknownPath },
  { weight: 6, arbitrary: policyRead },
  { weight: 12, arbitrary: policyPut },
  { weight: 3, arbitrary: policyDelete },
  { weight: 4, arbitrary: unknownWebhookEndpoint },
);
