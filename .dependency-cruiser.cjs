// The layers' import boundaries, checked by `npm run lint` (dependency-cruiser). Each rule's name and comment are
// what a violation prints. Type-only imports count: a layer that may not import a module may not import its types.
//
// What "HTTP code" means for lib/app: anything that sends or serves HTTP or resolves hosts — lib/http (API Gateway
// responses and problem details), the CXone HTTP exchange (lib/cxone/http.ts and every module that reaches it),
// WFM webhook delivery and its URL policy (lib/wfm/deliver.ts, lib/wfm/url-policy.ts), Node's network modules and
// undici. lib/wfm/cloudevents.ts is allowed: it only builds and serialises the event objects the application
// queues (zod and node:crypto), and the reachability rules below keep it that way.

/** Node's network modules and undici (the fetch implementation), with or without the `node:` prefix. */
const NETWORK_MODULES =
  '^(node:)?(http|https|http2|net|tls|dns|dns/promises|dgram)$|(^|/)node_modules/undici/';
const HTTP_CODE = [
  '^lib/http/',
  '^lib/cxone/http[^/]*\\.ts$',
  '^lib/wfm/deliver\\.ts$',
  '^lib/wfm/url-policy\\.ts$',
  NETWORK_MODULES,
];
const AWS_RUNTIME = '(^|/)node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|@middy)/';
const DEV_ONLY = '^(infra/local|bench|test)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain-and-zod',
      comment:
        'lib/domain is the pure core: it may import lib/domain and zod only (no node: modules, no other layer, ' +
        'no other package). Move I/O or HTTP concerns to lib/app, lib/http or an adapter.',
      severity: 'error',
      from: { path: '^lib/domain/' },
      to: { pathNot: ['^lib/domain/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'app-imports-no-adapter',
      comment:
        'lib/app talks to the outside through the ports in lib/app/ports.ts; the adapters (lib/adapters) ' +
        'implement them and the handlers (functions/) wire them in. Depend on the port, not the adapter.',
      severity: 'error',
      from: { path: '^lib/app/' },
      to: { path: '^lib/adapters/', reachable: true },
    },
    {
      name: 'app-reaches-no-aws-sdk',
      comment:
        'lib/app must run without AWS: no AWS SDK (@aws-sdk, @smithy), no Powertools, no middy, directly or ' +
        'through another module. Put AWS calls in an adapter behind a port, and logging/metrics behind ' +
        'the DispatchObserver port.',
      severity: 'error',
      from: { path: '^lib/app/' },
      to: { path: AWS_RUNTIME, reachable: true },
    },
    {
      name: 'app-reaches-no-http-code',
      comment:
        'lib/app returns typed outcomes; HTTP belongs to lib/http (problem details, responses), the CXone ' +
        'client (lib/cxone/http.ts) and WFM delivery (lib/wfm/deliver.ts, lib/wfm/url-policy.ts). lib/app may ' +
        'not reach them, nor node:http/https/net/dns or undici, directly or through another module ' +
        '(lib/wfm/cloudevents.ts, pure event building, is fine).',
      severity: 'error',
      from: { path: '^lib/app/' },
      to: { path: HTTP_CODE, reachable: true },
    },
    {
      name: 'production-code-imports-no-dev-code',
      comment:
        'lib/ and functions/ are what the Lambda bundles contain: they may not import the local stack ' +
        '(infra/local), the benchmarks (bench/) or the tests (test/).',
      severity: 'error',
      from: { path: '^(lib|functions)/' },
      to: { path: DEV_ONLY },
    },
    {
      name: 'lib-imports-no-handler',
      comment: 'Handlers (functions/) wire lib/ together; lib/ never imports a handler.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^functions/' },
    },
    {
      name: 'retry-imports-no-other-layer',
      comment:
        'lib/retry (Retry-After, backoff, redelivery delays) is plain arithmetic shared by the CXone client, ' +
        'the webhook delivery and the SQS handlers: it imports no other part of lib/.',
      severity: 'error',
      from: { path: '^lib/retry/' },
      to: { path: '^lib/(?!retry/)' },
    },
    {
      name: 'cxone-client-imports-only-domain-and-retry',
      comment:
        'lib/cxone is the CXone HTTP client: it may use lib/domain and lib/retry, not the application, the ' +
        'adapters that wrap it, lib/http, lib/runtime or the WFM webhooks.',
      severity: 'error',
      from: { path: '^lib/cxone/' },
      to: { path: '^lib/(app|adapters|http|runtime|wfm)/' },
    },
    {
      name: 'http-layer-imports-no-adapter-or-client',
      comment:
        'lib/http (problem details, middlewares, responses, the OpenAPI document) maps lib/app outcomes to ' +
        'HTTP: it may use lib/domain and lib/app, not the adapters, lib/runtime or the CXone and WFM clients.',
      severity: 'error',
      from: { path: '^lib/http/' },
      to: { path: '^lib/(adapters|runtime|cxone|wfm|retry)/' },
    },
    {
      name: 'adapters-import-no-http-layer',
      comment: 'Adapters implement ports for lib/app; answering HTTP requests is lib/http and the handlers.',
      severity: 'error',
      from: { path: '^lib/adapters/' },
      to: { path: '^lib/http/' },
    },
    {
      name: 'imports-resolve',
      comment:
        'An import dependency-cruiser cannot resolve escapes every rule above: fix the path or install the ' +
        'package.',
      severity: 'error',
      from: { path: '^(lib|functions)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
