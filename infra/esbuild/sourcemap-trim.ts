// Trims a Source Map v3 (https://tc39.es/ecma426/) to the mappings whose source is our own code. The bundles
// carry the AWS SDK, Powertools and zod; their mappings are most of each map and nobody debugs them from a
// stack trace, while they push the zipped artifacts over budget.

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
export type Segment =
  | readonly [number]
  | readonly [number, number, number, number]
  | readonly [number, number, number, number, number];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT_OF = new Map([...BASE64].map((char, digit) => [char.charCodeAt(0), digit]));
const COMMA = 44;
const SEMICOLON = 59;
const CONTINUATION = 32;

/** Decodes a `mappings` string into one array of segments per generated line. */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  // Source index, original line/column and name index are deltas across the whole map; the generated
  // column is a delta within one line.
  const state = [0, 0, 0, 0, 0];
  let fields: number[] = [];
  let at = 0;
  const endSegment = () => {
    if (fields.length === 0) return;
    if (fields.length !== 1 && fields.length !== 4 && fields.length !== 5) {
      throw new InvalidSourceMapError(`a segment has ${fields.length} fields (line ${lines.length + 1})`);
    }
    const absolute = fields.map((delta, i) => {
      state[i] = (state[i] ?? 0) + delta;
      return state[i] ?? 0;
    });
    line.push(absolute as unknown as Segment);
    fields = [];
  };
  while (at < mappings.length) {
    const code = mappings.charCodeAt(at);
    if (code === COMMA || code === SEMICOLON) {
      endSegment();
      at++;
      if (code === SEMICOLON) {
        lines.push(line);
        line = [];
        state[0] = 0;
      }
      continue;
    }
    let value = 0;
    let scale = 1;
    let digit: number;
    do {
      const next = DIGIT_OF.get(mappings.charCodeAt(at));
      if (next === undefined) {
        throw new InvalidSourceMapError(`unexpected character ${JSON.stringify(mappings[at])} at ${at}`);
      }
      digit = next;
      value += (digit & (CONTINUATION - 1)) * scale;
      scale *= CONTINUATION;
      at++;
    } while (digit & CONTINUATION);
    // The lowest bit of a VLQ is its sign.
    const magnitude = Math.floor(value / 2);
    fields.push(value % 2 === 1 ? -magnitude : magnitude);
  }
  endSegment();
  lines.push(line);
  return lines;
}

function encodeVlq(value: number): string {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let text = '';
  do {
    let digit = rest % CONTINUATION;
    rest = Math.floor(rest / CONTINUATION);
    if (rest > 0) digit += CONTINUATION;
    text += BASE64[digit];
  } while (rest > 0);
  return text;
}

/** Encodes segments (one array per generated line, absolute indices) back into a `mappings` string. */
export function encodeMappings(lines: readonly (readonly Segment[])[]): string {
  const previous = [0, 0, 0, 0, 0];
  return lines
    .map((line) => {
      previous[0] = 0;
      return line
        .map((segment) =>
          segment
            .map((value, i) => {
              const delta = value - (previous[i] ?? 0);
              previous[i] = value;
              return encodeVlq(delta);
            })
            .join(''),
        )
        .join(',');
    })
    .join(';');
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
