import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeMappings,
  encodeMappings,
  InvalidSourceMapError,
  isOwnSource,
  type Segment,
  type SourceMapV3,
  trimSourceMap,
} from '../../../infra/esbuild/sourcemap-trim.ts';
import { trimSourceMapsPlugin } from '../../../infra/esbuild/sourcemap-trim-plugin.ts';

const execFileAsync = promisify(execFile);

/** Node's own lookup, the one `node --enable-source-maps` formats stack traces with. */
function nodeLookup(map: SourceMapV3, line: number, column: number): Partial<SourceMapping> {
  return new SourceMap(map as unknown as SourceMapPayload).findEntry(line, column);
}

describe('decodeMappings / encodeMappings', () => {
  it('decodes VLQ deltas into absolute segments per generated line', () => {
    // gB = 16, D = -1, F = -2; the generated column restarts on each line, the other fields never do.
    expect(decodeMappings('AAAA,gBCCD;;EAAF,CAAC;C')).toEqual([
      [
        [0, 0, 0, 0],
        [16, 1, 1, -1],
      ],
      [],
      [
        [2, 1, 1, -3],
        [3, 1, 1, -2],
      ],
      [[1]],
    ]);
  });

  it('encodes what it decodes, for any segments', () => {
    const column = fc.nat({ max: 100_000 });
    const segment = fc.oneof(
      fc.tuple(column),
      fc.tuple(column, fc.nat(500), fc.nat(100_000), fc.nat(500)),
      fc.tuple(column, fc.nat(500), fc.nat(100_000), fc.nat(500), fc.nat(5000)),
    );
    const sortedLine = fc.array(segment, { maxLength: 8 }).map((line) => line.sort((a, b) => a[0] - b[0]));
    fc.assert(
      fc.property(fc.array(sortedLine, { maxLength: 12 }), (lines: Segment[][]) => {
        const decoded = decodeMappings(encodeMappings(lines));
        expect(decoded).toEqual(lines.length === 0 ? [[]] : lines);
      }),
    );
  });

  it('rejects a character outside base64 and a segment of 2, 3 or 6 fields', () => {
    expect(() => decodeMappings('AA!A')).toThrow(InvalidSourceMapError);
    expect(() => decodeMappings('AA')).toThrow(/2 fields/);
    expect(() => decodeMappings('AAAA;AAA')).toThrow(/3 fields \(line 2\)/);
    expect(() => decodeMappings('AAAAAA')).toThrow(/6 fields/);
  });

  it('rejects an empty segment and a value cut off by the end of its segment', () => {
    expect(() => decodeMappings('AAAA,,AAAA')).toThrow(/0 fields \(line 1\)/);
    expect(() => decodeMappings('AAAA;AAAAg')).toThrow(/ends inside a value \(line 2\)/);
    expect(() => decodeMappings('AAAg,AAAA')).toThrow(InvalidSourceMapError);
  });

  it('decodes values of any size the maps use, negative deltas included', () => {
    const lines: Segment[][] = [
      [[0, 0, 0, 0]],
      [[2_000_000, 3, 1_000_000, 500_000, 70_000]],
      [[5, 0, 2, 1, 0]],
    ];
    expect(decodeMappings(encodeMappings(lines))).toEqual(lines);
  });
});

describe('isOwnSource', () => {
  it('is false for a path with a node_modules folder and true otherwise', () => {
    expect(isOwnSource('../../../lib/app/dispatch.ts')).toBe(true);
    expect(isOwnSource('../../../node_modules/zod/v4/core/errors.js')).toBe(false);
    expect(isOwnSource('node_modules/@aws-sdk/client-sqs/dist-es/index.js')).toBe(false);
    expect(isOwnSource('..\\node_modules\\zod\\index.js')).toBe(false);
    expect(isOwnSource('../lib/my_node_modules_notes.ts')).toBe(true);
  });
});

describe('trimSourceMap', () => {
  const map: SourceMapV3 = {
    version: 3,
    file: 'main.mjs',
    sources: ['../node_modules/lib/a.js', '../src/main.ts', '../node_modules/lib/b.js', '../src/util.ts'],
    sourcesContent: [null, 'main source', null, 'util source'],
    names: ['libFn', 'main', 'helper', 'other'],
    ignoreList: [0, 3],
    x_vendor: 'kept as is',
    mappings: encodeMappings([
      [
        [0, 0, 0, 0, 0],
        [10, 1, 2, 4, 1],
        [20, 0, 5, 0],
        [30, 3, 1, 2, 2],
      ],
      [
        [0, 2, 0, 0],
        [5, 2, 1, 0, 3],
      ],
      [[0, 1, 7, 0], [8], [12, 0, 3, 3]],
      [[0, 0, 9, 0]],
    ]),
  };
  const trimmed = trimSourceMap(map);

  it('keeps only our sources and the names their mappings use, in their original order', () => {
    expect(trimmed.sources).toEqual(['../src/main.ts', '../src/util.ts']);
    expect(trimmed.sourcesContent).toEqual(['main source', 'util source']);
    expect(trimmed.names).toEqual(['main', 'helper']);
    expect(trimmed.ignoreList).toEqual([1]);
    expect(trimmed.version).toBe(3);
    expect(trimmed.file).toBe('main.mjs');
    expect(trimmed.x_vendor).toBe('kept as is');
  });

  it('re-indexes the kept mappings and marks where dependency code starts as unmapped', () => {
    expect(decodeMappings(trimmed.mappings)).toEqual([
      [[10, 0, 2, 4, 0], [20], [30, 1, 1, 2, 1]],
      [[0]],
      [[0, 0, 7, 0], [8]],
      [],
    ]);
  });

  it("resolves with Node's SourceMap to our code, and to nothing inside dependency code", () => {
    expect(nodeLookup(trimmed, 0, 12)).toMatchObject({
      originalSource: '../src/main.ts',
      originalLine: 2,
      originalColumn: 4,
      name: 'main',
    });
    expect(nodeLookup(trimmed, 0, 31)).toMatchObject({ originalSource: '../src/util.ts', name: 'helper' });
    // Node's lookup ignores line ends: without the mark, line 1 would resolve to util.ts.
    expect(nodeLookup(trimmed, 1, 7).originalSource).toBeUndefined();
    expect(nodeLookup(trimmed, 2, 20).originalSource).toBeUndefined();
    expect(nodeLookup(trimmed, 3, 0).originalSource).toBeUndefined();
  });

  it('takes a custom choice of sources to keep', () => {
    const onlyMain = trimSourceMap(map, (source) => source.endsWith('main.ts'));
    expect(onlyMain.sources).toEqual(['../src/main.ts']);
    expect(onlyMain.names).toEqual(['main']);
  });

  it('refuses maps that are not Source Map v3', () => {
    expect(() => trimSourceMap({ ...map, version: 2 as 3 })).toThrow(InvalidSourceMapError);
    expect(() => trimSourceMap({ ...map, sections: [] })).toThrow(/index maps/);
  });
});

describe('trimSourceMapsPlugin in an esbuild bundle', () => {
  let dir = '';
  // Our code calls a dependency that calls back into our code, which throws: the stack has frames of both.
  // fail.ts is imported first so that the bundle has our code right before the dependency's.
  const failSource = [
    'export function failHard(reason: string): never {',
    "  throw new Error('failed: ' + reason);",
    '}',
    '',
  ].join('\n');
  const mainSource = [
    "import { failHard } from './fail.ts';",
    "import { callThrough } from 'fake-lib';",
    '',
    "callThrough(() => failHard('from our code'));",
    '',
  ].join('\n');
  const libSource = [
    'export function callThrough(work) {',
    '  const result = work();',
    "  return result ?? 'fake-lib-default';",
    '}',
    '',
  ].join('\n');

  function options(outdir: string): BuildOptions {
    return {
      absWorkingDir: dir,
      entryPoints: ['src/main.ts'],
      outdir,
      bundle: true,
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
      plugins: [trimSourceMapsPlugin()],
    };
  }

  /** Where the dependency's string literal is in the bundle: [line, column], 0-based. */
  function dependencyPosition(bundle: string): [number, number] {
    const before = bundle.slice(0, bundle.indexOf('"fake-lib-default"')).split('\n');
    return [before.length - 1, before.at(-1)?.length ?? 0];
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cxone-assignments-sourcemap-'));
    await mkdir(join(dir, 'src'));
    await mkdir(join(dir, 'node_modules/fake-lib'), { recursive: true });
    await writeFile(join(dir, 'src/fail.ts'), failSource);
    await writeFile(join(dir, 'src/main.ts'), mainSource);
    await writeFile(join(dir, 'node_modules/fake-lib/index.js'), libSource);
    await writeFile(
      join(dir, 'node_modules/fake-lib/package.json'),
      JSON.stringify({ name: 'fake-lib', type: 'module', main: 'index.js' }),
    );
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a map of our sources only, and a stack trace still names our .ts files and lines', async () => {
    await build(options(join(dir, 'out')));
    const map = JSON.parse(await readFile(join(dir, 'out/main.mjs.map'), 'utf8')) as SourceMapV3;
    expect(map.version).toBe(3);
    expect(map.sources).toEqual(['../src/fail.ts', '../src/main.ts']);
    expect(map.sourcesContent).toBeUndefined();
    const bundle = await readFile(join(dir, 'out/main.mjs'), 'utf8');
    expect(bundle).toContain('"fake-lib-default"');
    expect(nodeLookup(map, ...dependencyPosition(bundle)).originalSource).toBeUndefined();

    const failure = await execFileAsync(process.execPath, ['--enable-source-maps', 'out/main.mjs'], {
      cwd: dir,
    }).then(
      () => ({ stderr: 'exited 0' }),
      (error: { stderr: string }) => error,
    );
    expect(failure.stderr).toContain('Error: failed: from our code');
    const frames = failure.stderr
      .split('\n')
      .filter((line) => line.trim().startsWith('at '))
      .map((line) => /([^/\\(]+):(\d+):(\d+)\)?$/.exec(line)?.slice(1).join(':'));
    // failHard's throw, our callback, the dependency (unmapped: the bundle's own position), our call.
    expect(frames.slice(0, 4)).toEqual([
      'fail.ts:2:9',
      'main.ts:4:19',
      expect.stringMatching(/^main\.mjs:1:\d+$/),
      'main.ts:4:1',
    ]);
  });

  it('trims the in-memory map when the build does not write', async () => {
    const result = await build({ ...options(join(dir, 'memory')), write: false });
    const mapFile = result.outputFiles.find((file) => file.path.endsWith('main.mjs.map'));
    const bundle = result.outputFiles.find((file) => file.path.endsWith('main.mjs'))?.text ?? '';
    const map = JSON.parse(mapFile?.text ?? '{}') as SourceMapV3;
    expect(map.sources).toEqual(['../src/fail.ts', '../src/main.ts']);
    expect(nodeLookup(map, ...dependencyPosition(bundle)).originalSource).toBeUndefined();
  });
});
