import type { AuditEntry, DispatchObserver } from '../../lib/app/ports.ts';

export class RecordingObserver implements DispatchObserver {
  readonly audits: AuditEntry[] = [];
  readonly latencies: Array<{ queueWaitMs: number; cxoneMs: number; totalMs: number }> = [];
  readonly outcomes: string[] = [];

  audit(entry: AuditEntry): void {
    this.audits.push(entry);
  }

  latency(latency: { queueWaitMs: number; cxoneMs: number; totalMs: number }): void {
    this.latencies.push(latency);
  }

  outcome(status: string): void {
    this.outcomes.push(status);
  }
}
