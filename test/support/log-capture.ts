// vitest setupFile: keeps the handlers' log output off the terminal unless a test fails. Powertools Logger (JSON
// lines), Powertools Metrics (EMF lines) and the local stack's handlers write to process.stdout/stderr, which
// vitest passes straight to the terminal; here every such write becomes a console call instead. vitest attributes
// console output to the test (or hook) that was running and, with `silent: 'passed-only'` (vitest.config.ts),
// prints it only under a failed test, suite or file.
//
// Listed after output-capture.ts: a routed write goes through the console that output-capture.ts copies, so the
// secret scan still sees every line.
type Write = typeof process.stdout.write;

interface Router {
  stdout: Write;
  stderr: Write;
  /** True while a routed write is on its way to the console (a console that writes to the stream itself). */
  busy: boolean;
  /** True while printToTerminal writes: the text goes past the routing to the terminal. */
  direct: boolean;
}

const ROUTER = Symbol.for('cxone-assignments.log-capture');
const holder = globalThis as typeof globalThis & { [ROUTER]?: Router };

function textOf(chunk: unknown, encoding: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) {
    return Buffer.from(chunk).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  return String(chunk);
}

function routeStream(router: Router, stream: NodeJS.WriteStream, method: 'log' | 'error'): Write {
  const original = stream.write;
  return function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (router.busy || router.direct)
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    const text = textOf(chunk, rest[0]);
    router.busy = true;
    try {
      // One console entry per write; Logger and Metrics end each line with a newline the console adds again.
      globalThis.console[method](text.endsWith('\n') ? text.slice(0, -1) : text);
    } finally {
      router.busy = false;
    }
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  } as Write;
}

/**
 * Prints `text` on the terminal whatever the test's outcome (a run's summary table, say). It still passes through
 * output-capture.ts, so it is scanned for secrets like everything else.
 */
export function printToTerminal(text: string): void {
  const router = holder[ROUTER];
  if (!router) {
    process.stdout.write(text);
    return;
  }
  router.direct = true;
  try {
    process.stdout.write(text);
  } finally {
    router.direct = false;
  }
}

function install(): void {
  let router = holder[ROUTER];
  if (!router) {
    router = { busy: false, direct: false } as Router;
    router.stdout = routeStream(router, process.stdout, 'log');
    router.stderr = routeStream(router, process.stderr, 'error');
    holder[ROUTER] = router;
  }
  // Outermost on every test file, even when another setup file wrapped the streams again since the last one.
  process.stdout.write = router.stdout;
  process.stderr.write = router.stderr;
}

install();
