// The floor of §2: for each packaged function, a bundle that holds only what every handler must have at init: the
// AWS SDK clients that function constructs at module scope (the same packages, constructed the same way),
// Powertools Logger with its Lambda-context middleware, and @middy/core wrapping a no-op handler. It is built with
// the esbuild options `serverless package` resolved for the deployed bundles (custom.esbuild of the service, read
// back from the package's serverless-state.json), plugins included, so the two differ only in what they import.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { groupBytes } from './bundle-composition.ts';

const PROJECT_ROOT = new URL('..', import.meta.url).pathname;

export class FloorError extends Error {
  override name = 'FloorError';
}

/** The serverless-esbuild options that are not esbuild's; the plugin strips the same ones before building. */
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
];

/** esbuild options of the deployed bundles: custom.esbuild as `serverless package` resolved it. */
export async function deployedBuildOptions(packageDir: string): Promise<BuildOptions> {
  const state = JSON.parse(await readFile(join(packageDir, 'serverless-state.json'), 'utf8')) as {
    service: { custom?: { esbuild?: Record<string, unknown> } };
  };
  const custom = state.service.custom?.esbuild;
  if (!custom) throw new FloorError('serverless-state.json has no custom.esbuild');
  const options: Record<string, unknown> = { ...custom };
  for (const name of PLUGIN_ONLY_OPTIONS) delete options[name];
  if (typeof options.plugins === 'string') {
    const loaded = (await import(join(PROJECT_ROOT, options.plugins))) as { default: Plugin[] };
    options.plugins = loaded.default;
  }
  const extension = custom.outputFileExtension;
  if (typeof extension === 'string' && extension !== '.js') options.outExtension = { '.js': extension };
  return options as BuildOptions;
}

/** One AWS SDK client a handler constructs at module scope: `new <name>(<args>)` from `<pkg>`. */
export interface SdkClient {
  name: string;
  pkg: string;
  args: string;
  count: number;
}

/**
 * The SDK clients a handler's source constructs: every `XxxClient` imported from an `@aws-sdk/client-*` package,
 * with how often and with which arguments the file calls `new XxxClient(...)`. Only single-line argument lists
 * without a nested call are understood (all handlers pass `{}`); anything else fails rather than guesses.
 */
export function sdkClientsOf(source: string): SdkClient[] {
  const clients: SdkClient[] = [];
  const imports = source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g);
  for (const [, names = '', pkg = ''] of imports) {
    for (const raw of names.split(',')) {
      const name = raw.trim();
      if (!/^[A-Z]\w*Client$/.test(name)) continue;
      const calls = [...source.matchAll(new RegExp(`new ${name}\\(([^()]*)\\)`, 'g'))].map((m) => m[1] ?? '');
      const all = source.split(`new ${name}(`).length - 1;
      if (calls.length !== all) throw new FloorError(`new ${name}(...) with arguments the floor cannot copy`);
      const args = new Set(calls.map((a) => a.trim()));
      if (args.size > 1)
        throw new FloorError(`new ${name}(...) with different arguments: ${[...args].join(' | ')}`);
      if (calls.length > 0) clients.push({ name, pkg, args: [...args][0] ?? '', count: calls.length });
    }
  }
  return clients;
}

/**
 * The SDK clients the project files a handler imports (transitively, lib/ and functions/ only) construct, which the
 * handler itself does not: their packages are in its bundle and evaluated at init even when the client is built at
 * first use (the dispatcher's Secrets Manager client), so the floor imports them too, with `count: 0` (not built).
 */
export async function importedSdkClients(handlerSourceFile: string, own: SdkClient[]): Promise<SdkClient[]> {
  const seen = new Set<string>();
  const found = new Map<string, SdkClient>();
  const visit = async (file: string, isHandler: boolean): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = await readFile(join(PROJECT_ROOT, file), 'utf8');
    if (!isHandler) {
      for (const client of sdkClientsOf(source)) found.set(client.name, { ...client, count: 0 });
    }
    for (const [, spec = ''] of source.matchAll(/from\s*'(\.{1,2}\/[^']+\.ts)'/g)) {
      const next = join(dirname(file), spec);
      if (/^(lib|functions)\//.test(next)) await visit(next, false);
    }
  };
  await visit(handlerSourceFile, true);
  const ownNames = new Set(own.map((client) => client.name));
  return [...found.values()].filter((client) => !ownNames.has(client.name));
}

/** The floor entry's TypeScript source for a handler with these clients (`count: 0`: imported, not built). */
export function floorSource(clients: SdkClient[]): string {
  const importedOnly = clients.filter((c) => c.count === 0);
  const lines = [
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';",
    "import middy from '@middy/core';",
    ...clients.map((c) => `import { ${c.name} } from '${c.pkg}';`),
    "const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cxone-assignments' });",
    ...(importedOnly.length > 0
      ? [`export const builtAtFirstUse = [${importedOnly.map((c) => c.name).join(', ')}];`]
      : []),
    'export const clients = [',
    ...clients.flatMap((c) => Array.from({ length: c.count }, () => `  new ${c.name}(${c.args}),`)),
    '];',
    'export const handler = middy(async () => ({})).use(injectLambdaContext(logger, { resetKeys: true }));',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Appended to a floor to price classic zod on its own: the package evaluated with one small schema built at module
 * scope, the least a handler that validates anything with classic zod at init carries.
 */
export const ZOD_PROBE = [
  "import * as z from 'zod';",
  'export const probeSchema = z.object({ id: z.string().min(1), count: z.number().int() });',
  '',
].join('\n');

export interface FloorBundle {
  /** The bundled floor module (…/floor-<key>.mjs). */
  file: string;
  clients: SdkClient[];
  /** Minified bytes of the bundle, and per package group (bundle-composition.ts), from esbuild's metafile. */
  bytes: number;
  groups: Map<string, number>;
}

/** Builds the floor of one function into `outdir`, from its handler source file (relative to the project). */
export async function buildFloor(
  key: string,
  handlerSourceFile: string,
  options: BuildOptions,
  outdir: string,
  variant: { name: string; extra: string } = { name: 'floor', extra: '' },
): Promise<FloorBundle> {
  const own = sdkClientsOf(await readFile(join(PROJECT_ROOT, handlerSourceFile), 'utf8'));
  const clients = [...own, ...(await importedSdkClients(handlerSourceFile, own))];
  const { outExtension, ...rest } = options;
  const result = await build({
    ...rest,
    stdin: {
      contents: floorSource(clients) + variant.extra,
      resolveDir: PROJECT_ROOT,
      sourcefile: `${variant.name}-${key}.ts`,
      loader: 'ts',
    },
    absWorkingDir: PROJECT_ROOT,
    outfile: join(outdir, `${variant.name}-${key}${outExtension?.['.js'] ?? '.js'}`),
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.entries(result.metafile?.outputs ?? {}).find(([name]) => !name.endsWith('.map'));
  if (!output) throw new FloorError(`esbuild produced no floor for ${key}`);
  const [name, meta] = output;
  return { file: resolve(PROJECT_ROOT, name), clients, bytes: meta.bytes, groups: groupBytes(meta.inputs) };
}
