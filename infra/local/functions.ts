// Each function of serverless.yml as the local stack runs it: handler module, timeout, resolved environment and
// triggers (HTTP routes, SQS event source mappings, schedules), all read from the printed definition.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveIntrinsics } from './cloudformation.ts';
import type { LocalResources } from './resources.ts';
import type { FunctionDefinition, ServiceDefinition } from './service-definition.ts';

export class FunctionDefinitionError extends Error {
  override name = 'FunctionDefinitionError';
}

export interface HttpRoute {
  /** Upper-case method, or `ANY`. */
  method: string;
  /** Route path template like `/assignments/{assignmentId}`, or `$default`. */
  path: string;
  /** API Gateway's routeKey: `GET /health`, or `$default`. */
  routeKey: string;
  /** True when serverless.yml puts an authorizer (IAM or JWT) on the route. */
  authorized: boolean;
  /** The route's authorizer: IAM, or JWT with the scopes a token needs (any of them; none = any valid token). */
  authorizer?: { kind: 'iam' | 'jwt'; scopes: string[] };
}

export interface SqsTrigger {
  queueArn: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  maximumConcurrency?: number;
}

export interface ScheduleTrigger {
  expression: string;
  /** Seconds between runs for `rate(...)`; undefined for `cron(...)`. */
  rateSeconds?: number;
  /** `cron(* * * * ? *)`: at second 0 of every minute. */
  everyMinute: boolean;
  /** EventBridge `input`: replaces the Scheduled Event when set. */
  input?: unknown;
}

export interface LocalFunction {
  /** The key under `functions:` in serverless.yml. */
  key: string;
  /** The deployed function name (service-stage-key). */
  name: string;
  handlerFile: string;
  exportName: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  httpRoutes: HttpRoute[];
  sqsTriggers: SqsTrigger[];
  schedules: ScheduleTrigger[];
}

export interface DescribeFunctionsOptions {
  projectRoot: string;
  /** Local-only: replaces every function's timeout (quick retries in tests). */
  functionTimeoutSeconds?: number;
}

const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 6;
const LAMBDA_DEFAULT_MEMORY_MB = 1024;
const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export function describeFunctions(
  definition: ServiceDefinition,
  resources: LocalResources,
  options: DescribeFunctionsOptions,
): LocalFunction[] {
  return Object.entries(definition.functions).map(([key, fn]) => {
    const { handlerFile, exportName } = resolveHandler(fn.handler, options.projectRoot);
    const context = { created: resources.created, stackName: resources.stackName };
    const environment = stringEnvironment(
      key,
      resolveIntrinsics({ ...definition.provider.environment, ...fn.environment }, context),
    );
    const events = fn.events ?? [];
    return {
      key,
      name: fn.name ?? `${resources.stackName}-${key}`,
      handlerFile,
      exportName,
      timeoutSeconds:
        options.functionTimeoutSeconds ??
        fn.timeout ??
        definition.provider.timeout ??
        LAMBDA_DEFAULT_TIMEOUT_SECONDS,
      memorySize: fn.memorySize ?? definition.provider.memorySize ?? LAMBDA_DEFAULT_MEMORY_MB,
      environment,
      httpRoutes: events.flatMap((event) => ('httpApi' in event ? [httpRouteOf(event.httpApi)] : [])),
      sqsTriggers: events.flatMap((event) =>
        'sqs' in event ? sqsTriggerOf(resolveIntrinsics(event.sqs, context), key) : [],
      ),
      schedules: events.flatMap((event) => ('schedule' in event ? schedulesOf(event.schedule) : [])),
    };
  });
}

function resolveHandler(handler: FunctionDefinition['handler'], projectRoot: string) {
  const dot = handler.lastIndexOf('.');
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const handlerFile = HANDLER_EXTENSIONS.map((ext) => join(projectRoot, modulePath + ext)).find((file) =>
    existsSync(file),
  );
  if (dot <= 0 || !handlerFile) {
    throw new FunctionDefinitionError(`handler ${handler}: no ${modulePath}{${HANDLER_EXTENSIONS}} file`);
  }
  return { handlerFile, exportName };
}

function stringEnvironment(key: string, resolved: unknown): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(resolved as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') {
      throw new FunctionDefinitionError(`${key}: environment ${name} did not resolve to a string`);
    }
    environment[name] = String(value);
  }
  return environment;
}

export function httpRouteOf(event: unknown): HttpRoute {
  let method: string;
  let path: string;
  let authorizer: HttpRoute['authorizer'];
  if (typeof event === 'string') {
    [method, path] = event === '*' ? ['*', '*'] : (event.split(' ') as [string, string]);
  } else {
    const spec = event as { method?: string; path?: string; authorizer?: unknown };
    method = spec.method ?? '*';
    path = spec.path ?? '*';
    authorizer = authorizerOf(spec.authorizer);
  }
  method = method === '*' ? 'ANY' : method.toUpperCase();
  const authorized = authorizer !== undefined;
  const auth = authorizer ? { authorizer } : {};
  if (path === '*') return { method: 'ANY', path: '$default', routeKey: '$default', authorized, ...auth };
  return { method, path, routeKey: `${method} ${path}`, authorized, ...auth };
}

/** `{ type: aws_iam }`, or a JWT authorizer by name (or id) with optional `scopes`, as osls reads them. */
function authorizerOf(spec: unknown): HttpRoute['authorizer'] {
  if (spec === undefined || spec === null) return undefined;
  const authorizer = (typeof spec === 'string' ? { name: spec } : spec) as {
    type?: string;
    scopes?: unknown;
  };
  if (authorizer.type === 'aws_iam') return { kind: 'iam', scopes: [] };
  const scopes = Array.isArray(authorizer.scopes) ? authorizer.scopes.map(String) : [];
  return { kind: 'jwt', scopes };
}

function sqsTriggerOf(event: unknown, key: string): SqsTrigger[] {
  const spec = (typeof event === 'string' ? { arn: event } : event) as Record<string, unknown>;
  if (spec.enabled === false) return [];
  if (typeof spec.arn !== 'string')
    throw new FunctionDefinitionError(`${key}: sqs event without a queue arn`);
  return [
    {
      queueArn: spec.arn,
      batchSize: Number(spec.batchSize ?? 10),
      reportBatchItemFailures: spec.functionResponseType === 'ReportBatchItemFailures',
      maximumConcurrency: spec.maximumConcurrency === undefined ? undefined : Number(spec.maximumConcurrency),
    },
  ];
}

function schedulesOf(event: unknown): ScheduleTrigger[] {
  const spec = (typeof event === 'string' ? { rate: event } : event) as Record<string, unknown>;
  if (spec.enabled === false) return [];
  return [spec.rate]
    .flat()
    .filter((rate): rate is string => typeof rate === 'string')
    .map((expression) => ({
      expression,
      rateSeconds: rateSeconds(expression),
      everyMinute: isEveryMinute(expression),
      input: parseInput(spec.input),
    }));
}

function parseInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/** `cron(* * * * ? *)`, the only cron expression the local stack runs (at second 0 of each minute). */
export function isEveryMinute(expression: string): boolean {
  return /^cron\(\s*\*\s+\*\s+\*\s+\*\s+\?\s+\*\s*\)$/.test(expression.trim());
}

/** `rate(5 minutes)` → 300; undefined for cron or anything else. */
export function rateSeconds(expression: string): number | undefined {
  const match = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(expression.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}
