import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { WebhookObserver } from '../app/webhook-ports.ts';

/** Counts endpoints the service disabled (410, or failing for days); a CloudWatch alarm on it tells an operator. */
export const WEBHOOK_ENDPOINT_DISABLED_METRIC = 'WebhookEndpointDisabled';

const ATTEMPT_METRICS = {
  delivered: 'WebhookDelivered',
  pending: 'WebhookRetried',
  failed: 'WebhookFailed',
  dropped: 'WebhookDropped',
} as const;

/**
 * One JSON line per attempt (endpoint name or id, event id and type, attempt, outcome, status, duration, wait —
 * never a URL, secret or signature) with a metric per outcome, and audit lines for endpoints the service disables.
 */
export function webhookObserver(logger: Logger, metrics: Metrics): WebhookObserver {
  return {
    attempt: (entry) => {
      metrics.addMetric(ATTEMPT_METRICS[entry.outcome], MetricUnit.Count, 1);
      if (entry.outcome === 'delivered')
        metrics.addMetric('WebhookDurationMs', MetricUnit.Milliseconds, entry.durationMs);
      const line = { ...entry };
      if (entry.outcome === 'delivered') logger.info('webhook delivered', line);
      else if (entry.outcome === 'pending') logger.warn('webhook delivery will be retried', line);
      else if (entry.outcome === 'dropped') logger.warn('webhook dropped for this endpoint', line);
      else logger.error('webhook delivery failed', line);
    },
    audit: (entry) => {
      if (entry.action === 'webhook_endpoint.disabled') {
        metrics.addMetric(WEBHOOK_ENDPOINT_DISABLED_METRIC, MetricUnit.Count, 1);
      }
      logger.warn(entry.action, { audit: entry });
    },
  };
}
