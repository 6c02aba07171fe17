// esbuild plugin: after each build, rewrites every emitted `.map` file to keep only our own code's mappings
// (see sourcemap-trim.ts). Works with `write: true` (the files on disk, found through the metafile, which the
// plugin turns on) and `write: false` (the in-memory output files).
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { isOwnSource, type SourceMapV3, trimSourceMap } from './sourcemap-trim.ts';

export interface TrimSourceMapsOptions {
  /** Which sources keep their mappings; by default every source not under node_modules. */
  keepSource?: (source: string) => boolean;
}

function trimmedText(text: string, keepSource: (source: string) => boolean): string {
  return JSON.stringify(trimSourceMap(JSON.parse(text) as SourceMapV3, keepSource));
}

export function trimSourceMapsPlugin(options: TrimSourceMapsOptions = {}): Plugin {
  const keepSource = options.keepSource ?? isOwnSource;
  return {
    name: 'trim-source-maps',
    setup(build) {
      build.initialOptions.metafile = true;
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      build.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        if (result.outputFiles) {
          for (const file of result.outputFiles) {
            // `text` follows `contents`; the hash stays the original's, of which the trimmed map is a
            // function, so it still changes whenever the map does.
            if (file.path.endsWith('.map')) file.contents = Buffer.from(trimmedText(file.text, keepSource));
          }
          return;
        }
        const maps = Object.keys(result.metafile?.outputs ?? {})
          .filter((output) => output.endsWith('.map'))
          .map((output) => resolve(workingDir, output));
        await Promise.all(
          maps.map(async (path) => writeFile(path, trimmedText(await readFile(path, 'utf8'), keepSource))),
        );
      });
    },
  };
}
