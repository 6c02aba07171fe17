// The soak's one printed table (Markdown, so a run's output can be pasted into docs/reliability.md as it is).
import type { SqsPollerStats } from '../../../infra/local/sqs-poller.ts';
import type { SoakFigures, StatusCounts } from './audit.ts';

export interface SoakRunFacts {
  campaigns: number;
  /** Campaigns whose last soak state ended applied, and how many of them CXone held before any re-submission. */
  campaignsCheckedBefore: number;
  campaignsAppliedBefore: number;
  /** Campaigns whose CXone skill held exactly their last state after the first re-submission round. */
  campaignsConverged: number;
  /** The PUTs under faults. */
  submitSeconds: number;
  quiescentAfterFaultsSeconds: number;
  /** From the first PUT to the end of the audit (the stack's start excluded). */
  wallSeconds: number;
  /** PUTs the soak sent again (same Idempotency-Key) after a 5xx or 409. */
  submitRetries: number;
  dispatch: SqsPollerStats;
  webhook: SqsPollerStats;
}

function byStatus(counts: StatusCounts): string {
  return `${counts.applied} applied, ${counts.partially_applied} partially_applied, ${counts.superseded} superseded, ${counts.rejected} rejected, ${counts.failed} failed`;
}

export function soakTableRows(figures: SoakFigures, facts: SoakRunFacts): [string, string | number][] {
  const a = figures.acceptedByStatus;
  return [
    ['accepted (202)', figures.accepted],
    ['PUTs retried with the same Idempotency-Key (5xx / 409)', facts.submitRetries],
    ['applied', a.applied],
    ['partially_applied', a.partially_applied],
    ['superseded', a.superseded],
    ['rejected', a.rejected],
    ['failed', a.failed],
    ['not final after quiescence', a.notFinal],
    ['**lost**', `**${figures.lost}**`],
    ['**duplicate effects**', `**${figures.duplicateEffects}**`],
    ['rebalance dispatches (scheduled)', `${figures.rebalances} (${byStatus(figures.rebalancesByStatus)})`],
    [
      'last state applied under faults: CXone holds it (before any re-submission)',
      `${facts.campaignsAppliedBefore}/${facts.campaignsCheckedBefore} campaigns`,
    ],
    [
      'CXone skill = last desired state after re-submitting it, faults off',
      `${facts.campaignsConverged}/${facts.campaigns} campaigns`,
    ],
    ['CXone writes for converged re-submissions', figures.convergedResubmissionWrites],
    [
      'dispatch deliveries (failed → retried via SQS)',
      `${facts.dispatch.records} (${facts.dispatch.failedRecords})`,
    ],
    ['dispatch messages delivered twice on purpose', facts.dispatch.redeliveredRecords],
    ['DispatchDLQ messages', figures.dispatchDlqMessages],
    [
      'webhook deliveries (failed → retried via SQS)',
      `${facts.webhook.records} (${facts.webhook.failedRecords})`,
    ],
    ['webhook messages delivered twice on purpose', facts.webhook.redeliveredRecords],
    [
      'webhooks recorded by the receiver: accepted / refused',
      `${figures.webhooksAccepted} / ${figures.webhookAttemptsRefused}`,
    ],
    [
      'distinct webhook-ids delivered (same id accepted again)',
      `${figures.webhookIdsDelivered} (${figures.webhookRedeliveriesAccepted})`,
    ],
    [
      'WfmEventsDLQ messages (final events among them)',
      `${figures.wfmDlqMessages} (${figures.finalEventsInWfmDlq})`,
    ],
    ['CXone requests', figures.cxoneRequests],
    [
      'CXone 429 / 5xx / hung / 401',
      `${figures.cxone429} / ${figures.cxone5xx} / ${figures.cxoneTimeouts} / ${figures.cxone401}`,
    ],
    ['CXone writes (2xx)', figures.cxoneWrites],
    ['PUTs under faults took', `${facts.submitSeconds} s`],
    ['quiescent after the faults were cleared', `${facts.quiescentAfterFaultsSeconds} s`],
    ['soak wall time (stack start excluded)', `${facts.wallSeconds} s`],
  ];
}

export function formatTable(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([label]) => label.length), 'figure'.length);
  const lines = [`| ${'figure'.padEnd(width)} | value |`, `| ${'-'.repeat(width)} | ----- |`];
  for (const [label, value] of rows) lines.push(`| ${label.padEnd(width)} | ${value} |`);
  return lines.join('\n');
}
