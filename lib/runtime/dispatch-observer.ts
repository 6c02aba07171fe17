import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CxoneAuthFailure } from '../adapters/cxone-converger.ts';
import type { DispatchObserver } from '../app/ports.ts';

/** Counts dispatches refused because of the CXone credentials; a CloudWatch alarm on it pages an operator. */
export const CXONE_AUTH_FAILURES_METRIC = 'CxoneAuthFailures';

const OUTCOME_METRICS: Record<string, string> = {
  applied: 'AssignmentApplied',
  partially_applied: 'AssignmentPartiallyApplied',
  rejected: 'AssignmentRejected',
  failed: 'AssignmentFailed',
  superseded: 'AssignmentSuperseded',
};

/** Audit lines through the Logger (one JSON line per decision), latency and outcomes as EMF metrics. */
export function dispatchObserver(logger: Logger, metrics: Metrics): DispatchObserver {
  return {
    audit: (entry) => logger.info(entry.action, { audit: entry }),
    latency: ({ queueWaitMs, cxoneMs, totalMs }) => {
      metrics.addMetric('QueueWaitMs', MetricUnit.Milliseconds, queueWaitMs);
      metrics.addMetric('CxoneLatencyMs', MetricUnit.Milliseconds, cxoneMs);
      metrics.addMetric('TotalLatencyMs', MetricUnit.Milliseconds, totalMs);
    },
    outcome: (status) => {
      const name = OUTCOME_METRICS[status];
      if (name) metrics.addMetric(name, MetricUnit.Count, 1);
    },
  };
}

/** The alarm for refused or malformed CXone credentials: one metric and one error-level audit line per dispatch. */
export function cxoneAuthAlarm(logger: Logger, metrics: Metrics): (failure: CxoneAuthFailure) => void {
  return ({ campaignId, correlationId, malformedSecret, reason }) => {
    metrics.addMetric(CXONE_AUTH_FAILURES_METRIC, MetricUnit.Count, 1);
    logger.error('CXone credentials refused or malformed: fix the CXone secret', {
      audit: {
        action: 'cxone.auth_failed',
        assignmentId: correlationId,
        campaignId,
        malformedSecret,
        reason,
      },
    });
  };
}
