import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalFunction } from '../../../infra/local/functions.ts';
import {
  HandlerImportError,
  HandlersAlreadyLoadedError,
  invokeHandler,
  type LocalLambda,
  loadHandlers,
} from '../../../infra/local/lambda-runtime.ts';

function fn(overrides: Partial<LocalFunction>): LocalFunction {
  return {
    key: 'fn',
    name: 'svc-local-fn',
    handlerFile: '/dev/null',
    exportName: 'handler',
    timeoutSeconds: 1,
    memorySize: 256,
    environment: {},
    httpRoutes: [],
    sqsTriggers: [],
    schedules: [],
    ...overrides,
  };
}

describe('invokeHandler', () => {
  it('passes a Lambda-like context whose remaining time counts down from the timeout', async () => {
    let context: Context | undefined;
    const result = await invokeHandler(
      fn({ timeoutSeconds: 3 }),
      async (_event, ctx) => {
        context = ctx;
        return 'done';
      },
      {},
    );
    expect(result).toMatchObject({ ok: true, value: 'done' });
    expect(context).toMatchObject({
      functionName: 'svc-local-fn',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:svc-local-fn',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/svc-local-fn',
    });
    expect(context?.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    const remaining = context?.getRemainingTimeInMillis() ?? 0;
    expect(remaining).toBeGreaterThan(2000);
    expect(remaining).toBeLessThanOrEqual(3000);
  });

  it('fails an invocation that throws or outlives its timeout', async () => {
    const thrown = await invokeHandler(
      fn({}),
      () => {
        throw new Error('boom');
      },
      {},
    );
    expect(thrown.ok === false && thrown.error.message).toBe('boom');
    const slow = await invokeHandler(fn({ timeoutSeconds: 0.2 }), () => new Promise(() => {}), {});
    expect(slow.ok === false && slow.error.name).toBe('LambdaTimeoutError');
  });
});

describe('loadHandlers', () => {
  let dir: string;
  let lambdas: LocalLambda[];
  const before = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambda-runtime-test-'));
    // Each module captures at import what it sees of the environment, like a handler parsing env at init.
    const source = `export const seen = { a: process.env.ONLY_A, b: process.env.ONLY_B, shared: process.env.SHARED, local: process.env.LOCAL_SETTING, dropped: process.env.DROPPED };
export const handler = async () => seen;\n`;
    await writeFile(join(dir, 'a.mjs'), source);
    await writeFile(join(dir, 'b.mjs'), source);
    lambdas = await loadHandlers(
      [
        fn({ key: 'a', handlerFile: join(dir, 'a.mjs'), environment: { ONLY_A: 'a', SHARED: 'from-a' } }),
        fn({
          key: 'b',
          handlerFile: join(dir, 'b.mjs'),
          environment: { ONLY_B: 'b', SHARED: 'from-b', LOCAL_SETTING: 'declared' },
        }),
      ],
      {
        baseEnv: { PATH: process.env.PATH ?? '' },
        declaredOverrides: { LOCAL_SETTING: 'local', ONLY_C: 'never' },
        env: { DROPPED: 'everywhere' },
      },
    );
  });

  afterAll(async () => {
    for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name];
    Object.assign(process.env, before);
    await rm(dir, { recursive: true, force: true });
  });

  it('imports each handler with only its own function’s environment plus the local overrides', async () => {
    const [a, b] = await Promise.all(lambdas.map((lambda) => lambda.invoke({})));
    expect(a).toMatchObject({
      ok: true,
      value: { a: 'a', b: undefined, shared: 'from-a', local: undefined, dropped: 'everywhere' },
    });
    expect(b).toMatchObject({
      ok: true,
      value: { a: undefined, b: 'b', shared: 'from-b', local: 'local', dropped: 'everywhere' },
    });
  });

  it('leaves the union of the functions’ environments in process.env afterwards', () => {
    expect(process.env.ONLY_A).toBe('a');
    expect(process.env.ONLY_B).toBe('b');
    expect(process.env.ONLY_C).toBeUndefined();
  });

  it('loads a handler module once per process', async () => {
    await expect(loadHandlers([fn({ handlerFile: join(dir, 'a.mjs') })], { baseEnv: {} })).rejects.toThrow(
      HandlersAlreadyLoadedError,
    );
  });

  it('names the function whose module fails at init', async () => {
    await writeFile(join(dir, 'broken.mjs'), "throw new Error('Invalid environment: TABLE_NAME missing');\n");
    const loading = loadHandlers([fn({ key: 'broken', handlerFile: join(dir, 'broken.mjs') })], {
      baseEnv: { PATH: process.env.PATH ?? '' },
    });
    await expect(loading).rejects.toThrow(HandlerImportError);
    await expect(loading).rejects.toThrow(/broken .*TABLE_NAME missing/);
  });
});

describe('loadHandlers with several execution environments', () => {
  let dir: string;

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives each concurrent invocation its own instance of the handler module, reused once idle', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambda-runtime-pool-test-'));
    // Module-scope state, like a batch processor: two invocations in one instance would overwrite each other.
    const source = `let current;
const instance = Math.random();
export const handler = async (event) => {
  current = event.id;
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { instance, sawOwnEvent: current === event.id };
};\n`;
    await writeFile(join(dir, 'pooled.mjs'), source);
    const [lambda] = await loadHandlers([fn({ key: 'pooled', handlerFile: join(dir, 'pooled.mjs') })], {
      baseEnv: { PATH: process.env.PATH ?? '' },
      instances: () => 3,
    });
    const results = await Promise.all([1, 2, 3].map((id) => lambda!.invoke({ id })));
    const values = results.map((result) =>
      result.ok ? (result.value as { instance: number; sawOwnEvent: boolean }) : undefined,
    );
    expect(values.every((value) => value?.sawOwnEvent)).toBe(true);
    expect(new Set(values.map((value) => value?.instance)).size).toBe(3);

    // A fourth invocation while all three are busy waits for one to be free.
    const more = await Promise.all([4, 5, 6, 7].map((id) => lambda!.invoke({ id })));
    expect(more.every((result) => result.ok && (result.value as { sawOwnEvent: boolean }).sawOwnEvent)).toBe(
      true,
    );
  });
});
