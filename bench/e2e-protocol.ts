// What e2e.ts and its child process e2e-child.ts exchange.
import type { ItemSizes, PreviousItemSizes } from './cost-model.ts';

export const E2E_MARKER_START = '##cxone-assignments-bench:measure-start';
export const E2E_MARKER_END = '##cxone-assignments-bench:measure-end';

export interface E2eOptions {
  campaigns: number;
  /**
   * Agents per campaign. Kept small on purpose: moto (5.2.5) deep-copies the whole table for every item of a
   * TransactWriteItems, so each submission gets slower as the table fills with large assignment items.
   */
  agentsPerCampaign: number;
  /** Measured assignments per campaign, one after another (each after the previous one is final). */
  assignmentsPerCampaign: number;
  /** Batches of the dispatch queue in flight at once (serverless.yml: dispatchMaxConcurrency 5). */
  dispatchConcurrency: number;
}

export interface MeasuredAssignment {
  status: string;
  /** Client-side time until the PUT was accepted (202), retries included. */
  putMs: number;
  queueWaitMs: number;
  cxoneMs: number;
  totalMs: number;
  /** submittedAt → the last CXone write answered 2xx for this assignment (sandbox request log). */
  acceptedToWriteMs: number;
  /** submittedAt → the WFM receiver got the assignment's final event. */
  acceptedToWebhookMs: number;
  cxoneReads: number;
  cxoneWrites: number;
}

export interface E2eChildResult {
  wallMs: number;
  /** PUTs the caller had to repeat (5xx or 409 in flight), with the same Idempotency-Key. */
  putRetries: number;
  assignments: MeasuredAssignment[];
  webhooksPerAssignment: number;
  /** Bytes of the webhook bodies (CloudEvents) per assignment: the size of the events kept in pendingEvents. */
  eventBytesPerAssignment: number;
  invocations: { fn: string; ms: number; records: number }[];
  /** Round trips of a DynamoDB GetItem to moto sampled during the measured phase. */
  awsCallMs: number[];
  /** DynamoDB item sizes at the end (bench/cost-model.ts ItemSizes; the status item without its pendingEvents). */
  itemBytes: ItemSizes;
  /** The same data sized as the previous layout stored it. */
  previousItemBytes: PreviousItemSizes;
}
