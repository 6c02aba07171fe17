// Where a handler bundle's bytes come from, by package group: the likely cause when module init is slow (init
// time follows the amount of JavaScript evaluated at import). Builds in memory, with the deployed bundles' esbuild
// options when given (floor.ts reads them from the package), else with the equivalent defaults below.
import { type BuildOptions, build, type Metafile } from 'esbuild';

const PROJECT_ROOT = new URL('..', import.meta.url).pathname;

const GROUPS: [string, RegExp][] = [
  ['AWS SDK', /^(@aws-sdk|@smithy|@aws-crypto)\/|^(fast-xml-parser|strnum|tslib|uuid|bowser)$/],
  ['zod', /^zod$/],
  ['Powertools', /^@aws-lambda-powertools\//],
  ['middy', /^@middy\//],
];

function groupOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (!match) return 'our code';
  const name = match[1] as string;
  return GROUPS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other packages';
}

export interface BundleComposition {
  bytes: number;
  /** Share of the minified output per group, largest first. */
  groups: { group: string; bytes: number }[];
}

/** Bytes in the output per package group, from one output's metafile inputs. */
export function groupBytes(inputs: Metafile['outputs'][string]['inputs']): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    const group = groupOf(input);
    bytes.set(group, (bytes.get(group) ?? 0) + bytesInOutput);
  }
  return bytes;
}

const DEFAULT_OPTIONS: BuildOptions = {
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
};

export async function bundleComposition(
  handlerFile: string,
  options: BuildOptions = DEFAULT_OPTIONS,
): Promise<BundleComposition> {
  const { plugins: _plugins, outExtension: _outExtension, ...rest } = options;
  const result = await build({
    ...rest,
    sourcemap: false,
    entryPoints: [handlerFile],
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint);
  if (!output) throw new Error(`esbuild produced no entry output for ${handlerFile}`);
  return {
    bytes: output.bytes,
    groups: [...groupBytes(output.inputs)]
      .map(([group, size]) => ({ group, bytes: size }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}
