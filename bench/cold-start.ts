// §2 Cold start, per function: the zipped artifact `serverless package` produces, and module-init time = the time
// to import() the bundled handler in a fresh Node process (with config/ beside it and the function's own
// environment), minus the same for an empty module, beside the same for the function's floor bundle (floor.ts).
// Every function, its floor and the empty module are probed once per round, in an order that rotates each round.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { bundleComposition } from './bundle-composition.ts';
import { buildFloor, deployedBuildOptions, type SdkClient, ZOD_PROBE } from './floor.ts';
import { median } from './stats.ts';
import { zipEntries } from './zip.ts';

const execFileAsync = promisify(execFile);
const PROJECT_ROOT = new URL('..', import.meta.url).pathname;
const PROBE = new URL('./import-probe.ts', import.meta.url).pathname;
const PACKAGE_TIMEOUT_MS = 300_000;

export class PackagingError extends Error {
  override name = 'PackagingError';
}
export class ProbeError extends Error {
  override name = 'ProbeError';
}

export interface PackagedFunction {
  /** serverless.yml key, e.g. dispatchAssignments. */
  key: string;
  handlerFile: string;
  /** The handler's TypeScript source, relative to the project (functions/<name>.ts). */
  sourceFile: string;
  memoryMb: number;
  zipBytes: number;
  /** Environment variables as deployed; CloudFormation references replaced by dummy values. */
  environment: Record<string, string>;
  /** Directory the artifact was extracted to (the function's /var/task). */
  taskRoot: string;
}

export interface PackagedService {
  dir: string;
  /** The `serverless package` output (zips, templates, serverless-state.json). */
  packageDir: string;
  functions: PackagedFunction[];
}

export interface ColdStartResult {
  key: string;
  memoryMb: number;
  zipBytes: number;
  /** Median over rounds of (import time − the round's empty-module import), as deployed (serverless.yml's NODE_OPTIONS). */
  initMs: number;
  /** The same for the function's floor bundle. */
  floorMs: number;
  /** Median over rounds of (function init ÷ floor init), both from the same round. */
  ratio: number;
  /** Fastest import minus fastest empty import, as deployed: what the machine gives when it is least busy. */
  initMsBest: number;
  floorMsBest: number;
  /** The floor's SDK clients: built at module scope as the function builds them, or imported only (`count` 0). */
  floorClients: SdkClient[];
  /** Minified bytes the function's bundle holds beyond its floor, per package group, largest first. */
  beyondFloor: { group: string; bytes: number }[];
  rounds: number;
}

/** Classic zod alone on top of one function's floor (floor.ts ZOD_PROBE), timed in the same rounds. */
export interface ZodProbeResult {
  key: string;
  /** Median over rounds of (floor + zod) ÷ floor. */
  ratio: number;
  ms: number;
  floorMs: number;
}

export interface ColdStartRun {
  functions: ColdStartResult[];
  zodProbe: ZodProbeResult;
}

/** Variables that could reach a real AWS account: never passed to `serverless package`. */
function credentialFreeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

interface CfnFunction {
  Type: string;
  Properties: { Handler: string; MemorySize?: number; Environment?: { Variables?: Record<string, unknown> } };
}

/** Dummy values, in the deployed format, for what CloudFormation would fill in. */
function dummyValue(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (name === 'TABLE_NAME') return 'cxone-assignments-bench-AssignmentsTable-0123456789AB';
  if (name.endsWith('_QUEUE_URL') || name.endsWith('_DLQ_URL')) {
    const queue = name.slice(0, name.lastIndexOf('_URL')).toLowerCase().replaceAll('_', '-');
    const fifo = name === 'DISPATCH_QUEUE_URL' ? '.fifo' : '';
    return `https://sqs.us-east-1.amazonaws.com/123456789012/cxone-assignments-bench-${queue}${fifo}`;
  }
  if (name.endsWith('_KEY_ID')) {
    return 'arn:aws:kms:us-east-1:123456789012:key/0123abcd-01ab-23cd-45ef-0123456789ab';
  }
  if (name.endsWith('_SECRET_ID')) {
    return `arn:aws:secretsmanager:us-east-1:123456789012:secret:cxone-assignments/bench/${name.toLowerCase()}-AbCdEf`;
  }
  throw new PackagingError(`no dummy value for ${name}=${JSON.stringify(value)}`);
}

export async function packageService(log: (line: string) => void): Promise<PackagedService> {
  const dir = await mkdtemp(join(tmpdir(), 'cxone-assignments-bench-'));
  const out = join(dir, 'package');
  // serverless-esbuild leaves a work folder per function in TMPDIR: keep them inside our temporary directory.
  const workDir = join(dir, 'tmp');
  await mkdir(workDir, { recursive: true });
  const args = ['serverless', 'package', '--stage', 'bench', '--param=alarms=off', '--package', out];
  log(`npx ${args.join(' ')}`);
  try {
    await execFileAsync('npx', args, {
      cwd: PROJECT_ROOT,
      env: credentialFreeEnv({ TMPDIR: workDir }),
      timeout: PACKAGE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new PackagingError(`serverless package failed: ${(error as Error).message}\n${stdout}${stderr}`);
  }
  const template = JSON.parse(
    await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as {
    Resources: Record<string, CfnFunction>;
  };
  const functions: PackagedFunction[] = [];
  for (const file of (await readdir(out)).filter((name) => name.endsWith('.zip')).sort()) {
    const key = basename(file, '.zip');
    const resource = template.Resources[`${key[0]?.toUpperCase()}${key.slice(1)}LambdaFunction`];
    if (resource?.Type !== 'AWS::Lambda::Function') throw new PackagingError(`no function for ${file}`);
    const zip = await readFile(join(out, file));
    const taskRoot = join(dir, 'task', key);
    for (const entry of zipEntries(zip)) {
      if (entry.name.endsWith('/')) continue;
      const target = join(taskRoot, entry.name);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, entry.read());
    }
    const handler = resource.Properties.Handler;
    const sourceFile = `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
    const variables = resource.Properties.Environment?.Variables ?? {};
    functions.push({
      key,
      handlerFile: join(taskRoot, `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`),
      sourceFile,
      memoryMb: resource.Properties.MemorySize ?? 1024,
      zipBytes: zip.length,
      environment: Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, dummyValue(name, value)]),
      ),
      taskRoot,
    });
  }
  return { dir, packageDir: out, functions };
}

/** What the Lambda runtime sets besides the function's variables (no credentials: init makes no AWS call). */
function lambdaEnv(fn: PackagedFunction | undefined, withSourceMaps: boolean): Record<string, string> {
  const environment = { ...(fn?.environment ?? {}) };
  if (!withSourceMaps || fn === undefined) delete environment.NODE_OPTIONS;
  if (withSourceMaps && fn === undefined) environment.NODE_OPTIONS = '--enable-source-maps';
  const name = `cxone-assignments-bench-${fn?.key ?? 'empty'}`;
  return {
    ...environment,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn?.memoryMb ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    LAMBDA_TASK_ROOT: fn?.taskRoot ?? '/',
    TZ: ':UTC',
  };
}

async function probe(file: string, cwd: string, env: Record<string, string>): Promise<number> {
  const { stdout } = await execFileAsync(process.execPath, [PROBE, file], {
    cwd,
    env,
    timeout: 60_000,
  }).catch((error: Error & { stderr?: string }) => {
    throw new ProbeError(`importing ${file} failed: ${error.stderr || error.message}`);
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    importMs?: number;
    hasHandler?: boolean;
  };
  if (typeof result.importMs !== 'number') throw new ProbeError(`no timing from ${file}: ${stdout}`);
  return result.importMs;
}

interface Target {
  id: string;
  file: string;
  cwd: string;
  env: Record<string, string>;
}

/** `items` rotated left by `by` places: each round starts with a different probe. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export async function measureColdStarts(
  service: PackagedService,
  rounds: number,
  log: (line: string) => void,
): Promise<ColdStartRun> {
  const emptyDir = join(service.dir, 'task', 'empty');
  const emptyFile = join(emptyDir, 'empty.mjs');
  await mkdir(emptyDir, { recursive: true });
  await writeFile(emptyFile, 'export const handler = async () => ({});\n');

  const floorDir = join(service.dir, 'task', 'floor');
  await mkdir(floorDir, { recursive: true });
  const options = await deployedBuildOptions(service.packageDir);
  const floors = new Map<string, Awaited<ReturnType<typeof buildFloor>>>();
  for (const fn of service.functions)
    floors.set(fn.key, await buildFloor(fn.key, fn.sourceFile, options, floorDir));
  log(`built ${floors.size} floor bundles`);
  // The probe sits on the smallest floor (fewest SDK clients), where zod's share is the largest.
  const probeFn = [...service.functions].sort(
    (a, b) => clientCount(floors.get(a.key)!.clients) - clientCount(floors.get(b.key)!.clients),
  )[0];
  if (!probeFn) throw new ProbeError('the package holds no function');
  const zodFloor = await buildFloor(probeFn.key, probeFn.sourceFile, options, floorDir, {
    name: 'floor-zod',
    extra: ZOD_PROBE,
  });

  // A function and its floor run back to back (which one first alternates), the pairs in a rotating order.
  const pairs: Target[][] = service.functions.map((fn) => [
    { id: fn.key, file: fn.handlerFile, cwd: fn.taskRoot, env: lambdaEnv(fn, true) },
    { id: `floor:${fn.key}`, file: floors.get(fn.key)!.file, cwd: floorDir, env: lambdaEnv(fn, true) },
  ]);
  pairs.push([{ id: 'empty', file: emptyFile, cwd: emptyDir, env: lambdaEnv(undefined, true) }]);
  pairs.push([{ id: 'floor-zod', file: zodFloor.file, cwd: floorDir, env: lambdaEnv(probeFn, true) }]);
  const samples = new Map<string, number[]>();
  for (const pair of pairs) for (const target of pair) samples.set(target.id, []);
  for (let round = 0; round < rounds; round++) {
    log(`cold start round ${round + 1}/${rounds}`);
    for (const pair of rotate(pairs, round)) {
      for (const target of round % 2 === 0 ? pair : [...pair].reverse()) {
        samples.get(target.id)!.push(await probe(target.file, target.cwd, target.env));
      }
    }
  }
  const empty = samples.get('empty')!;
  // Each round's import minus the same round's empty import: probes seconds apart share the machine's load.
  const net = (ms: number[]) => ms.map((value, round) => value - (empty[round] as number));
  const results: ColdStartResult[] = [];
  for (const fn of service.functions) {
    const mine = net(samples.get(fn.key)!);
    const floor = net(samples.get(`floor:${fn.key}`)!);
    const floorBundle = floors.get(fn.key)!;
    const composition = await bundleComposition(fn.sourceFile, options);
    results.push({
      key: fn.key,
      memoryMb: fn.memoryMb,
      zipBytes: fn.zipBytes,
      initMs: median(mine),
      floorMs: median(floor),
      ratio: median(mine.map((ms, round) => ms / (floor[round] as number))),
      initMsBest: Math.min(...samples.get(fn.key)!) - Math.min(...empty),
      floorMsBest: Math.min(...samples.get(`floor:${fn.key}`)!) - Math.min(...empty),
      floorClients: floorBundle.clients,
      beyondFloor: composition.groups
        .map(({ group, bytes }) => ({ group, bytes: bytes - (floorBundle.groups.get(group) ?? 0) }))
        .filter(({ bytes }) => bytes > 512)
        .sort((a, b) => b.bytes - a.bytes),
      rounds,
    });
  }
  const probeFloor = net(samples.get(`floor:${probeFn.key}`)!);
  const withZod = net(samples.get('floor-zod')!);
  return {
    functions: results,
    zodProbe: {
      key: probeFn.key,
      ratio: median(withZod.map((ms, round) => ms / (probeFloor[round] as number))),
      ms: median(withZod),
      floorMs: median(probeFloor),
    },
  };
}

const clientCount = (clients: SdkClient[]) => clients.reduce((sum, c) => sum + c.count, 0);
