// Every handler parses its environment at import and refuses to start, naming the variable, when it is wrong.
import { describe, expect, it } from 'vitest';
import { coldStart, DISPATCH_QUEUE_URL, TABLE_NAME, WFM_QUEUE_URL } from '../../support/handler-env.ts';

const handlers = {
  'submit-assignment': () => import('../../../functions/submit-assignment.ts'),
  'get-assignment': () => import('../../../functions/get-assignment.ts'),
  'get-campaign-agents': () => import('../../../functions/get-campaign-agents.ts'),
  'get-campaign-drift': () => import('../../../functions/get-campaign-drift.ts'),
  health: () => import('../../../functions/health.ts'),
  'dispatch-assignments': () => import('../../../functions/dispatch-assignments.ts'),
  'deliver-wfm-webhook': () => import('../../../functions/deliver-wfm-webhook.ts'),
  scheduler: () => import('../../../functions/scheduler.ts'),
  'campaign-due': () => import('../../../functions/campaign-due.ts'),
  'get-campaign-policy': () => import('../../../functions/get-campaign-policy.ts'),
  'put-campaign-policy': () => import('../../../functions/put-campaign-policy.ts'),
  'delete-campaign-policy': () => import('../../../functions/delete-campaign-policy.ts'),
  'webhook-endpoints-read': () => import('../../../functions/webhook-endpoints-read.ts'),
  'webhook-endpoints-write': () => import('../../../functions/webhook-endpoints-write.ts'),
  'webhook-endpoint-replay': () => import('../../../functions/webhook-endpoint-replay.ts'),
} as const;
type HandlerName = keyof typeof handlers;

const VALID: Record<HandlerName, Record<string, string>> = {
  'submit-assignment': { TABLE_NAME, DISPATCH_QUEUE_URL },
  'get-assignment': { TABLE_NAME },
  'get-campaign-agents': { TABLE_NAME },
  'get-campaign-drift': { TABLE_NAME, CXONE_SECRET_ID: 'cxone/credentials' },
  health: { TABLE_NAME, DISPATCH_QUEUE_URL },
  'dispatch-assignments': {
    TABLE_NAME,
    DISPATCH_QUEUE_URL,
    WFM_QUEUE_URL,
    CXONE_SECRET_ID: 'cxone/credentials',
  },
  'deliver-wfm-webhook': {
    TABLE_NAME,
    WFM_QUEUE_URL,
    WFM_DLQ_URL: `${WFM_QUEUE_URL}-dlq`,
    WFM_SECRET_ID: 'wfm/signing',
    WFM_ENDPOINT_KEY_ID: 'alias/webhook-endpoints',
  },
  scheduler: {
    TABLE_NAME,
    CAMPAIGNS_DUE_QUEUE_URL:
      'https://sqs.us-east-1.amazonaws.com/123456789012/cxone-assignments-campaigns-due',
  },
  'campaign-due': { TABLE_NAME, DISPATCH_QUEUE_URL, WFM_QUEUE_URL, CXONE_SECRET_ID: 'cxone/credentials' },
  'get-campaign-policy': { TABLE_NAME },
  'put-campaign-policy': {
    TABLE_NAME,
    DISPATCH_QUEUE_URL,
    WFM_QUEUE_URL,
    CXONE_SECRET_ID: 'cxone/credentials',
  },
  'delete-campaign-policy': { TABLE_NAME, WFM_QUEUE_URL },
  'webhook-endpoints-read': { TABLE_NAME },
  'webhook-endpoints-write': { TABLE_NAME, WFM_ENDPOINT_KEY_ID: 'alias/webhook-endpoints' },
  'webhook-endpoint-replay': { TABLE_NAME, WFM_QUEUE_URL },
};

const cases: Array<[HandlerName, string, string | undefined, RegExp]> = [
  ['submit-assignment', 'TABLE_NAME', undefined, /TABLE_NAME/],
  ['submit-assignment', 'DISPATCH_QUEUE_URL', 'not a url', /DISPATCH_QUEUE_URL/],
  ['submit-assignment', 'MAX_BODY_BYTES', '-1', /MAX_BODY_BYTES/],
  ['get-assignment', 'TABLE_NAME', '', /TABLE_NAME/],
  ['get-campaign-agents', 'POLICY_CACHE_SECONDS', '31', /POLICY_CACHE_SECONDS/],
  ['get-campaign-drift', 'CXONE_SECRET_ID', undefined, /CXONE_SECRET_ID/],
  ['submit-assignment', 'POLICY_CACHE_SECONDS', '-1', /POLICY_CACHE_SECONDS/],
  ['health', 'DISPATCH_QUEUE_URL', undefined, /DISPATCH_QUEUE_URL/],
  ['dispatch-assignments', 'CXONE_SECRET_ID', undefined, /CXONE_SECRET_ID/],
  ['dispatch-assignments', 'CXONE_TARGET', 'legacy', /CXONE_TARGET/],
  ['dispatch-assignments', 'CXONE_API_VERSION', '30', /CXONE_API_VERSION/],
  ['deliver-wfm-webhook', 'WFM_ENDPOINTS', '[{"name":"wfm"}]', /WFM_ENDPOINTS/],
  ['deliver-wfm-webhook', 'WFM_SECRET_ID', undefined, /WFM_SECRET_ID/],
  ['deliver-wfm-webhook', 'WFM_DLQ_URL', undefined, /WFM_DLQ_URL/],
  ['deliver-wfm-webhook', 'WFM_RETRY_SCHEDULE_SECONDS', '1,,2', /WFM_RETRY_SCHEDULE_SECONDS/],
  ['webhook-endpoints-write', 'WFM_ENDPOINT_KEY_ID', undefined, /WFM_ENDPOINT_KEY_ID/],
  ['webhook-endpoint-replay', 'WFM_QUEUE_URL', 'not a url', /WFM_QUEUE_URL/],
  ['deliver-wfm-webhook', 'WFM_ALLOW_PRIVATE_TARGETS', 'yes', /WFM_ALLOW_PRIVATE_TARGETS/],
  ['scheduler', 'CAMPAIGNS_DUE_QUEUE_URL', 'not a url', /CAMPAIGNS_DUE_QUEUE_URL/],
  ['campaign-due', 'TABLE_NAME', undefined, /TABLE_NAME/],
  ['campaign-due', 'CXONE_SECRET_ID', undefined, /CXONE_SECRET_ID/],
  ['get-campaign-policy', 'TABLE_NAME', undefined, /TABLE_NAME/],
  ['put-campaign-policy', 'CXONE_SECRET_ID', undefined, /CXONE_SECRET_ID/],
  ['put-campaign-policy', 'WFM_QUEUE_URL', 'not a url', /WFM_QUEUE_URL/],
  ['put-campaign-policy', 'MAX_BODY_BYTES', '0', /MAX_BODY_BYTES/],
  ['delete-campaign-policy', 'WFM_QUEUE_URL', 'not a url', /WFM_QUEUE_URL/],
];

describe('handler environment', () => {
  it.each(cases)('%s refuses to start when %s is %j', async (name, variable, value, message) => {
    coldStart({ ...VALID[name], [variable]: value });
    await expect(handlers[name]()).rejects.toThrow(message);
  });

  it.each(Object.keys(handlers) as HandlerName[])('%s starts with a valid environment', async (name) => {
    coldStart(VALID[name]);
    const module = await handlers[name]();
    expect(typeof module.handler).toBe('function');
  });
});
