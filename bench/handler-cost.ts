// What a change costs one handler: the minified bundle's bytes (and gzip), the bytes each package contributes, and
// the module-init time (import() of the bundle in a fresh Node process, minus an empty module's; median of rounds).
// Quicker than `npm run bench` (no `serverless package`). With a baseline checkout (e.g. `git worktree add
// /tmp/base HEAD~1`), both bundles are measured in the same interleaved rounds, so machine load hits both alike:
//   node bench/handler-cost.ts [functions/deliver-wfm-webhook.ts] [rounds] [baseline project root]
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './stats.ts';

const execFileAsync = promisify(execFile);
const PROJECT_ROOT = new URL('..', import.meta.url).pathname;
const PROBE = new URL('./import-probe.ts', import.meta.url).pathname;
/** As serverless.yml's custom.esbuild: bundled CommonJS packages get a require(). */
const BANNER =
  "import { createRequire as __cxaCreateRequire } from 'node:module'; const require = __cxaCreateRequire(import.meta.url);";
/** Enough environment for every handler to pass its start-up checks; nothing is called at import. */
const HANDLER_ENV = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'bench',
  DISPATCH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench.fifo',
  WFM_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
  CXONE_SECRET_ID: 'bench/cxone',
  WFM_SECRET_ID: 'bench/wfm',
  CAMPAIGN_POLICIES_FILE: join(PROJECT_ROOT, 'config', 'campaign-policies.json'),
};

export interface HandlerBundle {
  code: Uint8Array;
  bytes: number;
  gzipBytes: number;
  /** Output bytes per package (our own code as `(project)`), largest first. */
  packages: { name: string; bytes: number }[];
}

function packageOf(input: string): string {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(project)';
}

/** Bundles `handlerFile` of the project at `projectRoot` as serverless.yml does (minified ESM for node24). */
export async function bundleHandler(handlerFile: string, projectRoot = PROJECT_ROOT): Promise<HandlerBundle> {
  const result = await build({
    entryPoints: [handlerFile],
    absWorkingDir: projectRoot,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    metafile: true,
    write: false,
    outfile: 'handler.mjs',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  const output = Object.values(result.metafile.outputs)[0];
  if (!code || !output) throw new Error(`esbuild produced no output for ${handlerFile}`);
  const packages = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    packages.set(packageOf(input), (packages.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return {
    code,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    packages: [...packages].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}

async function importMs(file: string): Promise<number> {
  const { stdout } = await execFileAsync(process.execPath, [PROBE, file], {
    env: { ...process.env, ...HANDLER_ENV },
  });
  return (JSON.parse(stdout) as { importMs: number }).importMs;
}

/**
 * Module-init time of each bundle: per round an empty module, then every bundle (in an order that alternates
 * between rounds); the result is the median over rounds of (bundle − that round's empty module), per bundle.
 */
export async function initMs(bundles: readonly HandlerBundle[], rounds: number): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'handler-cost-'));
  try {
    const files = bundles.map((_, index) => join(dir, `handler-${index}.mjs`));
    const empty = join(dir, 'empty.mjs');
    await Promise.all(bundles.map((bundle, index) => writeFile(files[index] as string, bundle.code)));
    await writeFile(empty, 'export const handler = () => {};\n');
    const samples = bundles.map(() => [] as number[]);
    for (let round = 0; round < rounds; round += 1) {
      const baseline = await importMs(empty);
      const order = files.map((_, index) => index);
      if (round % 2 === 1) order.reverse();
      for (const index of order) samples[index]?.push((await importMs(files[index] as string)) - baseline);
    }
    return samples.map((values) => median(values));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function describe(label: string, bundle: HandlerBundle, init: number | undefined): string {
  return `${label}: ${bundle.bytes} B minified, ${bundle.gzipBytes} B gzip, module init ${init?.toFixed(1)} ms`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const handlerFile = process.argv[2] ?? 'functions/deliver-wfm-webhook.ts';
  const rounds = Number(process.argv[3] ?? 20);
  const baselineRoot = process.argv[4] ? resolve(process.argv[4]) : undefined;
  const current = await bundleHandler(handlerFile);
  const baseline = baselineRoot ? await bundleHandler(handlerFile, baselineRoot) : undefined;
  const [currentInit, baselineInit] = await initMs(baseline ? [current, baseline] : [current], rounds);
  console.log(`${handlerFile}, median of ${rounds} interleaved rounds`);
  if (baseline) console.log(describe(`baseline (${baselineRoot})`, baseline, baselineInit));
  console.log(describe('this checkout', current, currentInit));
  if (baseline) {
    const before = new Map(baseline.packages.map(({ name, bytes }) => [name, bytes]));
    const after = new Map(current.packages.map(({ name, bytes }) => [name, bytes]));
    for (const name of new Set([...before.keys(), ...after.keys()])) {
      const delta = (after.get(name) ?? 0) - (before.get(name) ?? 0);
      if (delta !== 0) console.log(`  ${delta > 0 ? '+' : ''}${delta} B  ${name}`);
    }
  } else {
    for (const { name, bytes } of current.packages.slice(0, 12))
      console.log(`  ${String(bytes).padStart(8)}  ${name}`);
  }
}
