// The tenant-wide rate ceiling's port and its pure arithmetic. Time is cut into slots (1 s by default); each slot
// has a counter shared by every instance, and an instance leases a few of the slot's numbered tokens at a time.
// Token j of a slot may be spent no earlier than slotStart + j × (slot length ÷ slot limit), so the tenant's
// requests stay evenly spaced across instances instead of bursting at each slot boundary.
// Below the ceiling the rate adapts to 429s (AIMD): the shared state is the rate right after the last decrease and
// when it happened; the current rate is a pure function of that and the clock, so increases cost no write. The state
// is kept in its own item and copied into the slot counters (a decrease writes the current and the next slot, a new
// slot is seeded by its first claimer), so every claim brings it back and a decrease reaches all busy instances
// within one lease.

/** The shared AIMD state: `floorRate` requests/second was set at `decreasedAt` (epoch ms). */
export interface AimdState {
  floorRate: number;
  decreasedAt: number;
}

export interface SlotClaim {
  tenantKey: string;
  /** The slot's number: floor(epoch ms ÷ slot length). */
  slot: number;
  wanted: number;
  /** The slot's counter never passes this. */
  limit: number;
  /**
   * Tokens numbered below this are stale (their time has passed while nobody used them): when the counter is
   * behind it, the claim moves the counter up to it first, so an idle tenant's unused tokens do not make a burst.
   */
  from: number;
  /** Epoch seconds after which the slot's counter may be deleted (TTL). */
  expiresAt: number;
  /** The claimer's view of the AIMD state: seeds a slot that has none. */
  aimd?: AimdState;
}

export interface SlotGrant {
  granted: number;
  /** The slot's counter after this claim: the tokens granted are numbers usedAfter - granted … usedAfter - 1. */
  usedAfter: number;
  /** The slot's AIMD state, if it has one. */
  aimd?: AimdState;
}

export interface SlotRef {
  slot: number;
  expiresAt: number;
}

/** Where the tenant's shared counters and AIMD state live (a DynamoDB table in production). No AWS types here. */
export interface SharedRateBudget {
  /** Adds up to `wanted` tokens to the slot's counter without passing `limit`; 0 granted when the slot is full. */
  claim(claim: SlotClaim): Promise<SlotGrant>;
  readAimd(tenantKey: string): Promise<AimdState | undefined>;
  /**
   * Stores `next` unless another decrease happened after `notAfter` (epoch ms): at most one decrease per interval
   * for the whole tenant; once stored, also into `slots` (those holding an older state). Returns whether it was.
   */
  decrease(tenantKey: string, next: AimdState, notAfter: number, slots: SlotRef[]): Promise<boolean>;
}

export interface AimdParams {
  /** The configured ceiling, requests/second. */
  ceiling: number;
  /** Multiplicative decrease on 429: rate × beta. */
  beta: number;
  /** Additive increase: requests/second gained per second without a decrease. */
  alpha: number;
  /** At most one decrease per this many ms, tenant-wide. */
  decreaseIntervalMs: number;
  /** The rate never drops below this (requests/second). */
  minRate: number;
}

/** The tenant's current rate: the floor plus what it regained since, never above the ceiling. */
export function currentRate(state: AimdState | undefined, params: AimdParams, now: number): number {
  if (!state) return params.ceiling;
  const regained = (params.alpha * Math.max(0, now - state.decreasedAt)) / 1000;
  return Math.min(params.ceiling, Math.max(params.minRate, state.floorRate + regained));
}

/** A decrease cuts at most to beta × a quarter of the rate, however many requests were refused. */
const MAX_REFUSED_SHARE = 0.75;

/**
 * The state after a 429 at `now`, or undefined when the last decrease is too recent to decrease again. The decrease
 * is beta times the rate that got through: the current rate less the share of this instance's recent requests that
 * were refused (`refusedShare`, 0 … 1), so a ceiling far above CXone's limit is found in one or two steps.
 */
export function decreasedState(
  state: AimdState | undefined,
  params: AimdParams,
  now: number,
  refusedShare = 0,
): AimdState | undefined {
  if (state && now - state.decreasedAt < params.decreaseIntervalMs) return undefined;
  const through =
    currentRate(state, params, now) * (1 - Math.min(MAX_REFUSED_SHARE, Math.max(0, refusedShare)));
  const floorRate = Math.max(params.minRate, through * params.beta);
  return { floorRate, decreasedAt: now };
}

/** The newer of two views of the shared state. */
export function newerState(a: AimdState | undefined, b: AimdState | undefined): AimdState | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.decreasedAt > a.decreasedAt ? b : a;
}

export const slotOf = (now: number, slotMs: number) => Math.floor(now / slotMs);

/** Tokens in one slot at `rate` requests/second (at least 1). */
export function slotLimit(rate: number, slotMs: number): number {
  return Math.max(1, Math.floor((rate * slotMs) / 1000));
}

/**
 * Tokens one claim asks for: half an instance's fair share of the slot, rounded up. Small enough that tokens leased
 * and then left unused by idle instances cannot take much from the busy ones (each holds at most one lease: at most
 * half the slot plus one token per instance), large enough that one hot instance needs few claims. `instances` is
 * how many may claim at once.
 */
export function leaseSize(limit: number, instances: number, maxLease = 10): number {
  return Math.max(1, Math.min(maxLease, Math.ceil(limit / (2 * Math.max(1, instances)))));
}

/** The lowest token number still worth spending at `now`: `slack` tokens behind the slot's schedule. */
export function freshFrom(now: number, slot: number, limit: number, slotMs: number, slack: number): number {
  const behind = Math.floor(((now - slot * slotMs) * limit) / slotMs) - slack;
  return Math.max(0, Math.min(limit, behind));
}

/** The earliest send time of each token granted (numbers usedAfter - granted … usedAfter - 1) in the slot. */
export function tokenTimes(grant: SlotGrant, slot: number, limit: number, slotMs: number): number[] {
  const start = slot * slotMs;
  const spacing = slotMs / limit;
  const times: number[] = [];
  for (let n = grant.usedAfter - grant.granted; n < grant.usedAfter; n++) times.push(start + n * spacing);
  return times;
}
