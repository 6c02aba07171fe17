// §4 End-to-end latency on the local stack: runs e2e-child.ts in a fresh process and counts the handlers' log
// lines it prints during the measured phase (for the CloudWatch Logs part of the cost model).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { E2E_MARKER_END, E2E_MARKER_START, type E2eChildResult, type E2eOptions } from './e2e-protocol.ts';

const CHILD = new URL('./e2e-child.ts', import.meta.url).pathname;
const PROJECT_ROOT = new URL('..', import.meta.url).pathname;

export class E2eRunError extends Error {
  override name = 'E2eRunError';
}

export interface LogCounts {
  /** Handler log lines (Powertools JSON, EMF metric blobs included) printed during the measured phase. */
  lines: number;
  bytes: number;
  /** The part of them written by get-assignment, i.e. caused by the bench polling for the final status. */
  pollingLines: number;
  pollingBytes: number;
  /** The other lines by kind (the Powertools `message`, `EMF metrics` for a metric blob): lines and bytes. */
  byKind: Record<string, { lines: number; bytes: number }>;
}

/** What a handler log line is: its Powertools message, or an EMF metric blob. */
export function logLineKind(line: string): string {
  try {
    const parsed = JSON.parse(line) as { message?: unknown; _aws?: unknown };
    if (parsed._aws !== undefined) return 'EMF metrics';
    return typeof parsed.message === 'string' ? parsed.message : 'other';
  } catch {
    return 'not JSON';
  }
}

export interface E2eResult extends E2eChildResult {
  logs: LogCounts;
}

function isPollingLine(line: string): boolean {
  return line.includes('"function_name":"') && /get-?assignment|getAssignment/i.test(line);
}

/**
 * The child's own error, plus what the handlers logged as errors (JSON lines on its stderr), counted by kind: when
 * the local stack breaks down under load, the cause is in the latter.
 */
export function failureSummary(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  const own = lines.find((line) => !line.startsWith('{') && /\b\w*Error\b/.test(line));
  const kinds = new Map<string, number>();
  for (const line of lines) {
    if (!line.startsWith('{') || !line.includes('"level":"ERROR"')) continue;
    try {
      const entry = JSON.parse(line) as {
        function_name?: string;
        error?: { name?: string; message?: string };
      };
      const fn = (entry.function_name ?? '?').replace(/^.*-/, '');
      const kind = `${fn} ${entry.error?.name ?? 'error'}: ${(entry.error?.message ?? '').split('\n')[0]?.slice(0, 60)}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    } catch {
      // not a log line
    }
  }
  const handlerErrors = [...kinds]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([kind, count]) => `${count}× ${kind}`)
    .join('; ');
  return [
    own?.trim() ?? lines.at(-1)?.trim() ?? 'no error output',
    handlerErrors && `handler errors: ${handlerErrors}`,
  ]
    .filter(Boolean)
    .join(' — ');
}

export async function runE2eBench(
  options: E2eOptions,
  log: (line: string) => void,
  timeoutMs: number,
): Promise<E2eResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cxone-assignments-bench-e2e-result-'));
  const resultFile = join(dir, 'result.json');
  const child = spawn(process.execPath, [CHILD, resultFile, JSON.stringify(options)], {
    cwd: PROJECT_ROOT,
    // Raw JSON log lines, as Lambda writes them to CloudWatch (the local stack may pretty-print otherwise).
    env: { ...process.env, POWERTOOLS_DEV: '', LOCAL_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogCounts = { lines: 0, bytes: 0, pollingLines: 0, pollingBytes: 0, byKind: {} };
  let inside = false;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (line === E2E_MARKER_START) inside = true;
    else if (line === E2E_MARKER_END) inside = false;
    else if (inside && line.trim() !== '') {
      const bytes = Buffer.byteLength(line);
      logs.lines++;
      logs.bytes += bytes;
      if (isPollingLine(line)) {
        logs.pollingLines++;
        logs.pollingBytes += bytes;
      } else {
        const kind = logLineKind(line);
        const counts = logs.byKind[kind] ?? { lines: 0, bytes: 0 };
        counts.lines++;
        counts.bytes += bytes;
        logs.byKind[kind] = counts;
      }
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-200_000);
  });
  log(
    `e2e: ${options.campaigns} campaigns × ${options.assignmentsPerCampaign} assignments on the local stack (child ${child.pid})`,
  );
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  try {
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new E2eRunError(`the e2e child exited with ${code}: ${failureSummary(stderr)}`);
    const result = JSON.parse(await readFile(resultFile, 'utf8')) as E2eChildResult;
    return { ...result, logs };
  } finally {
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  }
}
