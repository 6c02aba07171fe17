// The SharedRateBudget contract in memory (the DynamoDB adapter's semantics without a table), for unit tests.
import type {
  AimdState,
  SharedRateBudget,
  SlotClaim,
  SlotGrant,
  SlotRef,
} from '../../lib/cxone/rate-budget.ts';

export class InMemoryRateBudget implements SharedRateBudget {
  readonly slots = new Map<string, number>();
  readonly slotStates = new Map<string, AimdState>();
  readonly aimd = new Map<string, AimdState>();
  calls = 0;
  /** When set, every call fails with it (DynamoDB unreachable). */
  failure: Error | undefined;

  async claim(claim: SlotClaim): Promise<SlotGrant> {
    this.check();
    const key = `${claim.tenantKey}|${claim.slot}`;
    const used = Math.max(claim.from, this.slots.get(key) ?? 0);
    const granted = Math.max(0, Math.min(claim.wanted, claim.limit - used));
    if (granted > 0) this.slots.set(key, used + granted);
    if (claim.aimd && !this.slotStates.has(key)) this.slotStates.set(key, claim.aimd);
    const aimd = this.slotStates.get(key);
    return {
      granted,
      usedAfter: granted > 0 ? used + granted : (this.slots.get(key) ?? 0),
      ...(aimd ? { aimd } : {}),
    };
  }

  async readAimd(tenantKey: string): Promise<AimdState | undefined> {
    this.check();
    return this.aimd.get(tenantKey);
  }

  async decrease(tenantKey: string, next: AimdState, notAfter: number, slots: SlotRef[]): Promise<boolean> {
    this.check();
    const current = this.aimd.get(tenantKey);
    if (current && current.decreasedAt > notAfter) return false;
    this.aimd.set(tenantKey, next);
    for (const { slot } of slots) {
      const key = `${tenantKey}|${slot}`;
      const held = this.slotStates.get(key);
      if (!held || held.decreasedAt < next.decreasedAt) this.slotStates.set(key, next);
    }
    return true;
  }

  private check(): void {
    this.calls++;
    if (this.failure) throw this.failure;
  }
}
