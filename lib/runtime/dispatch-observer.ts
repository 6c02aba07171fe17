import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DispatchObserver } from '../app/ports.ts';

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
