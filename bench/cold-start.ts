// §2 Cold start, per function: the zipped artifact `serverless package` produces, and module-init time = the time
// to import() the bundled handler in a fresh Node process (with config/ beside it and the function's own
// environment), minus the same for an empty module. Processes of all functions are interleaved round by round.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
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
  memoryMb: number;
  zipBytes: number;
  /** Environment variables as deployed; CloudFormation references replaced by dummy values. */
  environment: Record<string, string>;
  /** Directory the artifact was extracted to (the function's /var/task). */
  taskRoot: string;
}

export interface PackagedService {
  dir: string;
  functions: PackagedFunction[];
}

export interface ColdStartResult {
  key: string;
  memoryMb: number;
  zipBytes: number;
  /** Median over rounds of (import time − the round's empty-module import), as deployed (serverless.yml's NODE_OPTIONS). */
  initMs: number;
  /** The same without --enable-source-maps. */
  initMsWithoutSourceMaps: number;
  /** Fastest import minus fastest empty import, as deployed: what the machine gives when it is least busy. */
  initMsBest: number;
  processes: number;
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
    const queue =
      name === 'DISPATCH_QUEUE_URL'
        ? 'dispatch.fifo'
        : name === 'WFM_DLQ_URL'
          ? 'wfm-events-dlq'
          : 'wfm-events';
    return `https://sqs.us-east-1.amazonaws.com/123456789012/cxone-assignments-bench-${queue}`;
  }
  if (name.endsWith('_KEY_ID'))
    return 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000';
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
    const variables = resource.Properties.Environment?.Variables ?? {};
    functions.push({
      key,
      handlerFile: join(taskRoot, `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`),
      memoryMb: resource.Properties.MemorySize ?? 1024,
      zipBytes: zip.length,
      environment: Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, dummyValue(name, value)]),
      ),
      taskRoot,
    });
  }
  return { dir, functions };
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

export async function measureColdStarts(
  service: PackagedService,
  rounds: number,
  log: (line: string) => void,
): Promise<ColdStartResult[]> {
  const emptyDir = join(service.dir, 'task', 'empty');
  const emptyFile = join(emptyDir, 'empty.mjs');
  await mkdir(emptyDir, { recursive: true });
  await writeFile(emptyFile, 'export const handler = async () => ({});\n');

  const targets = [undefined, ...service.functions];
  const samples = new Map<string, { maps: number[]; noMaps: number[] }>();
  for (const fn of targets) samples.set(fn?.key ?? 'empty', { maps: [], noMaps: [] });
  for (let round = 0; round < rounds; round++) {
    log(`cold start round ${round + 1}/${rounds}`);
    for (const fn of targets) {
      const entry = samples.get(fn?.key ?? 'empty')!;
      const file = fn?.handlerFile ?? emptyFile;
      const cwd = fn?.taskRoot ?? emptyDir;
      // Alternate which mode goes first so neither always follows the other.
      const modes = round % 2 === 0 ? [true, false] : [false, true];
      for (const withMaps of modes) {
        const ms = await probe(file, cwd, lambdaEnv(fn, withMaps));
        (withMaps ? entry.maps : entry.noMaps).push(ms);
      }
    }
  }
  const empty = samples.get('empty')!;
  // Each round's import minus the same round's empty import: pairs measured seconds apart share the machine's load.
  const paired = (mine: number[], baseline: number[]) =>
    median(mine.map((ms, round) => ms - (baseline[round] as number)));
  return service.functions.map((fn) => {
    const entry = samples.get(fn.key)!;
    return {
      key: fn.key,
      memoryMb: fn.memoryMb,
      zipBytes: fn.zipBytes,
      initMs: paired(entry.maps, empty.maps),
      initMsWithoutSourceMaps: paired(entry.noMaps, empty.noMaps),
      initMsBest: Math.min(...entry.maps) - Math.min(...empty.maps),
      processes: entry.maps.length + entry.noMaps.length,
    };
  });
}
