// Queue ports that record what was sent and can be told to fail the next send(s).
import type { DispatchMessage } from '../../lib/app/messages.ts';
import type { DispatchQueue, WfmEventQueue } from '../../lib/app/ports.ts';
import type { WfmEvent } from '../../lib/wfm/cloudevents.ts';

export class QueueUnavailableError extends Error {
  constructor() {
    super('queue unavailable (injected)');
    this.name = 'QueueUnavailableError';
  }
}

export class RecordingDispatchQueue implements DispatchQueue {
  readonly messages: DispatchMessage[] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures += times;
  }

  async send(message: DispatchMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new QueueUnavailableError();
    }
    this.messages.push(structuredClone(message));
  }
}

export class RecordingWfmEventQueue implements WfmEventQueue {
  /** One entry per successful sendAll call. */
  readonly batches: WfmEvent[][] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures += times;
  }

  get events(): WfmEvent[] {
    return this.batches.flat();
  }

  async sendAll(events: WfmEvent[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new QueueUnavailableError();
    }
    this.batches.push(structuredClone(events));
  }
}
