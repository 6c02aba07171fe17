// The one table `npm run bench` prints: a Markdown table, so the output pastes into docs/performance.md as is.

/** `met`, `missed` (optionally with what missed), `info` or `not measured`. */
export type Verdict = string;

export interface Row {
  section: string;
  metric: string;
  value: string;
  /** e.g. `≤ 10×`; empty when the row is information only. */
  target?: string;
  verdict?: Verdict;
}

export function verdictOf(met: boolean): Verdict {
  return met ? 'met' : 'missed';
}

export function renderTable(rows: readonly Row[]): string {
  const header = ['section', 'metric', 'value', 'target', 'verdict'];
  const cells = rows.map((row) => [
    row.section,
    row.metric,
    row.value,
    row.target ?? '',
    row.verdict ?? (row.target ? '' : 'info'),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((line) => width(line[i] ?? ''))),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, i) => value + ' '.repeat((widths[i] ?? 0) - width(value))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Display width: `×`, `≤`, `µ` and friends are one column each. */
function width(text: string): number {
  return [...text].length;
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 1) return `${formatNumber(value * 1000, value < 0.01 ? 1 : 0)} µs`;
  return value >= 100 ? `${formatNumber(value)} ms` : `${formatNumber(value, 1)} ms`;
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${formatNumber(value, value >= 10 ? 1 : 2)}×` : 'n/a';
}

export function formatPercent(fraction: number, digits = 1): string {
  return Number.isFinite(fraction) ? `${formatNumber(fraction * 100, digits)} %` : 'n/a';
}

export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `$${formatNumber(value, value >= 100 ? 0 : 2)}`;
}

export function formatKiB(bytes: number): string {
  return `${formatNumber(bytes / 1024, 1)} KiB`;
}
