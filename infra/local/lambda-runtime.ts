// Runs the real handlers in this process the way Lambda would: each module is imported with its own function's
// environment (handlers parse env at import, so a variable missing from serverless.yml fails here too), and each
// invocation gets a Lambda-like context and is cut off at the function's timeout.
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { LocalFunction } from './functions.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './moto.ts';

export class LambdaTimeoutError extends Error {
  override name = 'LambdaTimeoutError';
}
export class HandlerImportError extends Error {
  override name = 'HandlerImportError';
}
export class HandlersAlreadyLoadedError extends Error {
  override name = 'HandlersAlreadyLoadedError';
}

export type LambdaHandler = (event: unknown, context: Context) => unknown;

export type Invocation =
  | { ok: true; value: unknown; durationMs: number }
  | { ok: false; error: Error; durationMs: number };

export interface LocalLambda {
  fn: LocalFunction;
  invoke(event: unknown): Promise<Invocation>;
}

export function createLambdaContext(fn: LocalFunction, deadline: number): Context {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const noop = () => {};
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${fn.name}`,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
  };
}

/** Invokes a handler; a throw or the timeout is a failed invocation (the handler's work is not cancelled). */
export async function invokeHandler(
  fn: LocalFunction,
  handler: LambdaHandler,
  event: unknown,
): Promise<Invocation> {
  const started = Date.now();
  const timeoutMs = fn.timeoutSeconds * 1000;
  const context = createLambdaContext(fn, started + timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LambdaTimeoutError(`${fn.name}: Task timed out after ${fn.timeoutSeconds} seconds`)),
      timeoutMs,
    );
  });
  try {
    const value = await Promise.race([Promise.resolve().then(() => handler(event, context)), timedOut]);
    return { ok: true, value, durationMs: Date.now() - started };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    return { ok: false, error: failure, durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

export interface LoadHandlersOptions {
  /** The process environment every function starts from (PATH, local AWS settings, …). */
  baseEnv: Record<string, string>;
  /** Applied on top of each function's environment, only where the function declares the variable. */
  declaredOverrides?: Record<string, string>;
  /** Applied on top of every function's environment (explicit local settings, e.g. from tests). */
  env?: Record<string, string>;
  /**
   * Execution environments per function (default 1). Lambda never runs two invocations in one environment, so each
   * concurrent invocation gets its own instance of the handler module and its module-scope state (clients, caches,
   * the Powertools batch processor); the modules they import are shared.
   */
  instances?: (fn: LocalFunction) => number;
  log?: (line: string) => void;
}

/** Hands each invocation an idle instance, waiting for one when all are busy. */
function pooledInvoke(fn: LocalFunction, handlers: LambdaHandler[]): LocalLambda['invoke'] {
  const idle = [...handlers];
  const waiting: Array<(handler: LambdaHandler) => void> = [];
  return async (event) => {
    const handler = idle.pop() ?? (await new Promise<LambdaHandler>((resolve) => waiting.push(resolve)));
    try {
      return await invokeHandler(fn, handler, event);
    } finally {
      const next = waiting.shift();
      if (next) next(handler);
      else idle.push(handler);
    }
  };
}

const importedFiles = new Set<string>();

/**
 * Imports every handler module with exactly its function's environment, then leaves `process.env` set to the
 * union of all of them (for values read lazily at invocation time). Handler modules and the modules they share
 * are cached per process, so one process loads them once: start a second local stack in a new process.
 */
export async function loadHandlers(
  functions: LocalFunction[],
  options: LoadHandlersOptions,
): Promise<LocalLambda[]> {
  const again = functions.find((fn) => importedFiles.has(fn.handlerFile));
  if (again) {
    throw new HandlersAlreadyLoadedError(
      `${again.handlerFile} is already loaded in this process: one local stack per process`,
    );
  }
  for (const fn of functions) importedFiles.add(fn.handlerFile);
  const union: Record<string, string> = { ...options.baseEnv };
  const setByFunctions = new Map<string, string>();
  const lambdas: LocalLambda[] = [];
  try {
    for (const fn of functions) {
      const environment = functionEnvironment(fn, options);
      fn.environment = environment;
      replaceProcessEnv({ ...options.baseEnv, ...environment });
      const handlers: LambdaHandler[] = [];
      const count = Math.max(1, options.instances?.(fn) ?? 1);
      for (let instance = 0; instance < count; instance++) {
        handlers.push(await importHandler(fn, instance));
      }
      for (const [name, value] of Object.entries(environment)) {
        const earlier = setByFunctions.get(name);
        if (earlier !== undefined && earlier !== value) {
          options.log?.(`note: ${name} differs between functions; values read after init see ${fn.key}'s`);
        }
        setByFunctions.set(name, value);
        union[name] = value;
      }
      lambdas.push({ fn, invoke: pooledInvoke(fn, handlers) });
    }
  } finally {
    replaceProcessEnv(union);
  }
  return lambdas;
}

/** Instance 0 is the module itself; each further instance is a fresh copy of the handler module (own URL). */
async function importHandler(fn: LocalFunction, instance: number): Promise<LambdaHandler> {
  const url = pathToFileURL(fn.handlerFile).href + (instance === 0 ? '' : `?instance=${instance}`);
  let module: Record<string, unknown>;
  try {
    module = await import(url);
  } catch (error) {
    throw new HandlerImportError(
      `${fn.key} (${fn.handlerFile}) failed at init: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const handler = module[fn.exportName];
  if (typeof handler !== 'function') {
    throw new HandlerImportError(`${fn.key}: ${fn.handlerFile} has no exported function ${fn.exportName}`);
  }
  return handler as LambdaHandler;
}

function functionEnvironment(fn: LocalFunction, options: LoadHandlersOptions): Record<string, string> {
  const environment = { ...fn.environment };
  for (const [name, value] of Object.entries(options.declaredOverrides ?? {})) {
    if (name in environment) environment[name] = value;
  }
  return { ...environment, ...options.env };
}

function replaceProcessEnv(next: Record<string, string>): void {
  for (const name of Object.keys(process.env)) {
    if (!(name in next)) delete process.env[name];
  }
  Object.assign(process.env, next);
}
