// Copies everything this process prints to a sink, without changing what is printed: writes to process.stdout and
// process.stderr (Powertools Logger writes there when not in dev mode) and the global console's methods (vitest
// forwards them to the main process without touching process.stdout, and POWERTOOLS_DEV loggers use them).
import { formatWithOptions } from 'node:util';

export type OutputSink = (text: string) => void;

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table'] as const;

type Write = typeof process.stdout.write;

function textOf(chunk: unknown, encoding?: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) {
    return Buffer.from(chunk).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  return String(chunk);
}

function teeStream(stream: NodeJS.WriteStream, sink: OutputSink, passThrough: boolean): () => void {
  const original = stream.write;
  const teed = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    try {
      sink(textOf(chunk, rest[0]));
    } catch {
      // The copy must never break the output itself.
    }
    if (passThrough) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  } as Write;
  stream.write = teed;
  return () => {
    if (stream.write === teed) stream.write = original;
  };
}

function teeConsole(target: Console, sink: OutputSink, passThrough: boolean): () => void {
  const restores: (() => void)[] = [];
  const methods = target as unknown as Record<string, unknown>;
  for (const name of CONSOLE_METHODS) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    const teed = (...args: unknown[]) => {
      try {
        sink(`${formatWithOptions({ colors: false, depth: 6 }, ...args)}\n`);
      } catch {
        // as above
      }
      return passThrough ? (original as (...a: unknown[]) => unknown).apply(target, args) : undefined;
    };
    methods[name] = teed;
    restores.push(() => {
      if (methods[name] === teed) methods[name] = original;
    });
  }
  return () => {
    for (const restore of restores) restore();
  };
}

/**
 * Starts copying this process's output to `sink`; the returned function stops it. With `passThrough: false` the
 * output goes to the sink only (and to no earlier tee).
 */
export function teeProcessOutput(sink: OutputSink, passThrough = true): () => void {
  const restores = [
    teeStream(process.stdout, sink, passThrough),
    teeStream(process.stderr, sink, passThrough),
    teeConsole(globalThis.console, sink, passThrough),
  ];
  return () => {
    for (const restore of restores.reverse()) restore();
  };
}

/**
 * Collects what this process prints until `stop()`; `text()` is everything so far. `passThrough: false` keeps it
 * off the terminal (a test that scans it itself need not print pages of debug logs).
 */
export function captureProcessOutput(passThrough = true): { text(): string; stop(): void } {
  const chunks: string[] = [];
  const stop = teeProcessOutput((text) => chunks.push(text), passThrough);
  return { text: () => chunks.join(''), stop };
}
