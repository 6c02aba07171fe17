// Trims a Source Map v3 (https://tc39.es/ecma426/) to the mappings whose source is our own code. The bundles
// carry the AWS SDK, Powertools and zod; their mappings are most of each map and nobody debugs them from a
// stack trace, while they push the zipped artifacts over budget. Build-time only: the VLQ codec
// (@jridgewell/sourcemap-codec) is a devDependency and never part of a bundle.
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';

export class InvalidSourceMapError extends Error {
  override name = 'InvalidSourceMapError';
}

/** The fields of a Source Map v3 this module reads; any other field is passed through untouched. */
export interface SourceMapV3 {
  version: 3;
  file?: string;
  sourceRoot?: string;
  sources: (string | null)[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  ignoreList?: number[];
  [field: string]: unknown;
}

/**
 * One decoded mapping segment, every index absolute (not delta-encoded):
 * [generatedColumn] marks generated code with no source from that column on;
 * [generatedColumn, sourceIndex, originalLine, originalColumn] and the same plus nameIndex map it to a source.
 */
export type Segment = SourceMapSegment;

/** Base64 digits 0–31: the last character of every VLQ value (32–63 say that another character follows). */
const VALUE_END = /[A-Za-f]/g;

/**
 * The codec decodes whatever it is given; a malformed `mappings` would silently become wrong positions. Every
 * character must be base64 or a separator, and every segment must hold 1, 4 or 5 complete values.
 */
function assertWellFormed(mappings: string): void {
  const stray = /[^A-Za-z0-9+/,;]/.exec(mappings);
  if (stray)
    throw new InvalidSourceMapError(`unexpected character ${JSON.stringify(stray[0])} at ${stray.index}`);
  mappings.split(';').forEach((line, index) => {
    if (line === '') return;
    for (const segment of line.split(',')) {
      const fields = segment.match(VALUE_END)?.length ?? 0;
      if (fields !== 1 && fields !== 4 && fields !== 5) {
        throw new InvalidSourceMapError(`a segment has ${fields} fields (line ${index + 1})`);
      }
      if (!/[A-Za-f]$/.test(segment)) {
        throw new InvalidSourceMapError(`a segment ends inside a value (line ${index + 1})`);
      }
    }
  });
}

/** Decodes a `mappings` string into one array of segments per generated line. */
export function decodeMappings(mappings: string): Segment[][] {
  assertWellFormed(mappings);
  return decode(mappings);
}

/** Encodes segments (one array per generated line, absolute indices) back into a `mappings` string. */
export function encodeMappings(lines: readonly (readonly Segment[])[]): string {
  return encode(lines as Segment[][]);
}

/** Our own code: any source that is not under a node_modules folder. */
export function isOwnSource(source: string): boolean {
  return !/(^|[/\\])node_modules([/\\]|$)/.test(source);
}

function assertSourceMapV3(map: SourceMapV3): void {
  if (map.version !== 3) throw new InvalidSourceMapError(`version ${String(map.version)} is not 3`);
  if ('sections' in map) throw new InvalidSourceMapError('index maps (sections) are not supported');
  if (!Array.isArray(map.sources) || typeof map.mappings !== 'string') {
    throw new InvalidSourceMapError('sources or mappings is missing');
  }
}

/** Old index -> new index of the kept entries, in their original order. */
function reindex(used: ReadonlySet<number>): Map<number, number> {
  return new Map([...used].sort((a, b) => a - b).map((old, position) => [old, position]));
}

/**
 * Keeps only the mappings whose source passes `keepSource`, then drops the sources (and their
 * sourcesContent) and names no kept mapping refers to. Generated code that mapped to a dropped source is
 * marked as unmapped so that a position inside it resolves to nothing rather than to the nearest kept
 * mapping before it (Node's lookup ignores line boundaries, so the mark is carried across lines).
 */
export function trimSourceMap(
  map: SourceMapV3,
  keepSource: (source: string) => boolean = isOwnSource,
): SourceMapV3 {
  assertSourceMapV3(map);
  const kept = map.sources.map((source) => source !== null && keepSource(source));
  const lines = decodeMappings(map.mappings);
  const usedSources = new Set<number>();
  const usedNames = new Set<number>();
  const trimmedLines = lines.map(() => [] as Segment[]);
  let lastIsMapped = false;
  lines.forEach((line, lineIndex) => {
    const trimmedLine = trimmedLines[lineIndex] ?? [];
    for (const segment of line) {
      if (segment.length > 1 && kept[segment[1] ?? -1]) {
        usedSources.add(segment[1] ?? 0);
        if (segment.length === 5) usedNames.add(segment[4]);
        trimmedLine.push(segment);
        lastIsMapped = true;
      } else if (lastIsMapped) {
        trimmedLine.push([segment[0]]);
        lastIsMapped = false;
      }
    }
  });
  const sourceIndex = reindex(usedSources);
  const nameIndex = reindex(usedNames);
  const renumbered = trimmedLines.map((line) =>
    line.map((segment): Segment => {
      if (segment.length === 1) return segment;
      const [column, source, originalLine, originalColumn] = segment;
      const newSource = sourceIndex.get(source) ?? 0;
      if (segment.length === 4) return [column, newSource, originalLine, originalColumn];
      return [column, newSource, originalLine, originalColumn, nameIndex.get(segment[4]) ?? 0];
    }),
  );
  const keptSources = [...sourceIndex.keys()];
  const trimmed: SourceMapV3 = {
    ...map,
    sources: keptSources.map((i) => map.sources[i] ?? null),
    names: [...nameIndex.keys()].map((i) => map.names[i] ?? ''),
    mappings: encodeMappings(renumbered),
  };
  if (map.sourcesContent) trimmed.sourcesContent = keptSources.map((i) => map.sourcesContent?.[i] ?? null);
  if (map.ignoreList) {
    trimmed.ignoreList = map.ignoreList.flatMap((i) => {
      const index = sourceIndex.get(i);
      return index === undefined ? [] : [index];
    });
  }
  return trimmed;
}
