import type { Clock } from '../../lib/app/ports.ts';

/** A clock that stands still until the test moves it. */
export class FixedClock implements Clock {
  private at: number;

  constructor(at: Date) {
    this.at = at.getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  set(at: Date): void {
    this.at = at.getTime();
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
