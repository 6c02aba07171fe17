// `npm start` only: one short line per Powertools JSON log entry, so a terminal stays readable. Deployed, Lambda
// keeps the JSON as it is (CloudWatch Logs Insights queries it).

const ENVELOPE_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

function render(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value && 'name' in value) {
    return JSON.stringify(`${String((value as Error).name)}: ${String((value as Error).message)}`);
  }
  return JSON.stringify(value);
}

function fields(entry: Record<string, unknown>, seen: Set<string>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (ENVELOPE_KEYS.has(key) || value === undefined) continue;
    if (key === 'audit' && value && typeof value === 'object') {
      for (const [auditKey, auditValue] of Object.entries(value)) {
        if (auditKey === 'action' || seen.has(auditKey)) continue;
        out.push(`${auditKey}=${render(auditValue)}`);
      }
      continue;
    }
    seen.add(key);
    out.push(`${key}=${render(value)}`);
  }
  return out;
}

function functionLabel(name: unknown): string {
  return typeof name === 'string' ? name.replace(/^.*-local-/, '') : '-';
}

function metricsLine(entry: Record<string, unknown>): string | undefined {
  const aws = entry._aws as {
    Timestamp?: number;
    CloudWatchMetrics?: Array<{ Metrics?: Array<{ Name: string }> }>;
  };
  const names = aws.CloudWatchMetrics?.flatMap((m) => m.Metrics ?? []).map((m) => m.Name) ?? [];
  if (names.length === 0) return undefined;
  const time = new Date(aws.Timestamp ?? Date.now()).toISOString().slice(11, 23);
  return `${time} METRIC ${names.map((name) => `${name}=${render(entry[name])}`).join(' ')}`;
}

/** A Powertools JSON line → `12:00:01.234 INFO  dispatchAssignments assignment.applied key=value …`. */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (entry._aws) return metricsLine(entry) ?? line;
  if (typeof entry.level !== 'string' || typeof entry.message !== 'string') return line;
  const time = typeof entry.timestamp === 'string' ? entry.timestamp.slice(11, 23) : '';
  const head = `${time} ${entry.level.padEnd(5)} ${functionLabel(entry.function_name)} ${entry.message}`;
  return [head, ...fields(entry, new Set())].join(' ');
}

/** Rewrites whole lines written to `stream` with formatLogLine; partial writes wait for their newline. */
export function formatStreamLines(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: string) => boolean;
  let pending = '';
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    const ok = lines.length === 0 || write(`${lines.map(formatLogLine).join('\n')}\n`);
    callback?.();
    return ok;
  }) as NodeJS.WriteStream['write'];
}
