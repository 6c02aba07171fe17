// Packages the service with osls exactly as a deploy would (no AWS credentials at all) and checks the
// generated CloudFormation and artifacts: least-privilege roles, queues and redrive, capped event sources, auth,
// alarms that reach someone, retained data, artifact size. The package runs once per mode in beforeAll.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipEntries } from '../../bench/zip.ts';
import { printServiceDefinition } from '../../infra/local/service-definition.ts';
import {
  attemptsOf,
  DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS,
  MAX_RETRY_WAIT_SECONDS,
  scheduleSpanSeconds,
} from '../../lib/wfm/retry-schedule.ts';
import {
  type CfnResource,
  type CfnTemplate,
  type CfnValue,
  execFileAsync,
  failureOf,
  packageService as packageStage,
  PACKAGE_TIMEOUT_MS as packageTimeoutMs,
  REPO_ROOT as repoRoot,
  resourcesOfType,
  serverless,
} from '../support/serverless-package.ts';

// Budget of each whole zipped artifact, source map included (the map keeps only our own code's mappings:
// infra/esbuild/sourcemap-trim-plugin.ts).
const maxZipBytes = 400 * 1024;

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: CfnValue | CfnValue[];
}

// Resource references as they appear in the template.
const table = { 'Fn::GetAtt': ['AssignmentsTable', 'Arn'] };
const dispatchQueue = { 'Fn::GetAtt': ['DispatchQueue', 'Arn'] };
const wfmQueue = { 'Fn::GetAtt': ['WfmEventsQueue', 'Arn'] };
const wfmDlq = { 'Fn::GetAtt': ['WfmEventsDLQ', 'Arn'] };
const webhookKey = { 'Fn::GetAtt': ['WebhookEndpointKey', 'Arn'] };
const schedulerFailures = { 'Fn::GetAtt': ['SchedulerFailuresQueue', 'Arn'] };
const campaignsDueQueue = { 'Fn::GetAtt': ['CampaignsDueQueue', 'Arn'] };
const dueIndex = { 'Fn::Join': ['', [table, '/index/DueIndex']] };
const cxoneSecret = { Ref: 'CxoneCredentialsSecret' };
const wfmSecret = { Ref: 'WfmSigningSecret' };
const alarmTopicArn = 'arn:aws:sns:us-east-1:123456789012:oncall';

const sqsEventSourceActions = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

// Every function's grants besides its own log group: [action, resource].
const expectedGrants: Record<string, [string, CfnValue][]> = {
  SubmitAssignmentLambdaFunction: [
    ...['GetItem', 'PutItem', 'UpdateItem'].map((a): [string, CfnValue] => [`dynamodb:${a}`, table]),
    ['sqs:SendMessage', dispatchQueue],
  ],
  GetAssignmentLambdaFunction: [['dynamodb:GetItem', table]],
  GetCampaignAgentsLambdaFunction: [['dynamodb:GetItem', table]],
  GetCampaignDriftLambdaFunction: [
    ['dynamodb:GetItem', table],
    // The CXone rate budget's items (RATE#…), nothing else.
    ['dynamodb:UpdateItem', table],
    ['secretsmanager:GetSecretValue', cxoneSecret],
  ],
  HealthLambdaFunction: [
    ['dynamodb:DescribeTable', table],
    ['sqs:GetQueueAttributes', dispatchQueue],
  ],
  DispatchAssignmentsLambdaFunction: [
    ...sqsEventSourceActions.map((a): [string, CfnValue] => [a, dispatchQueue]),
    ...['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'].map((a): [string, CfnValue] => [
      `dynamodb:${a}`,
      table,
    ]),
    ['secretsmanager:GetSecretValue', cxoneSecret],
    ['sqs:SendMessage', wfmQueue],
    ['sqs:ChangeMessageVisibility', dispatchQueue],
  ],
  DeliverWfmWebhookLambdaFunction: [
    ...sqsEventSourceActions.map((a): [string, CfnValue] => [a, wfmQueue]),
    ['secretsmanager:GetSecretValue', wfmSecret],
    ['kms:Decrypt', webhookKey],
    ...['GetItem', 'PutItem', 'UpdateItem', 'Query'].map((a): [string, CfnValue] => [`dynamodb:${a}`, table]),
    ['sqs:SendMessage', wfmQueue],
    ['sqs:ChangeMessageVisibility', wfmQueue],
    ['sqs:SendMessage', wfmDlq],
  ],
  WebhookEndpointsReadLambdaFunction: [
    ['dynamodb:GetItem', table],
    ['dynamodb:Query', table],
  ],
  WebhookEndpointsWriteLambdaFunction: [
    ...['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'].map((a): [string, CfnValue] => [
      `dynamodb:${a}`,
      table,
    ]),
    ['kms:Encrypt', webhookKey],
  ],
  WebhookEndpointReplayLambdaFunction: [
    ['dynamodb:GetItem', table],
    ['dynamodb:Query', table],
    ['sqs:SendMessage', wfmQueue],
  ],
  SchedulerLambdaFunction: [
    ['dynamodb:Query', dueIndex],
    ['dynamodb:UpdateItem', table],
    ['sqs:SendMessage', campaignsDueQueue],
    ['sqs:SendMessage', schedulerFailures],
  ],
  CampaignDueLambdaFunction: [
    ...sqsEventSourceActions.map((a): [string, CfnValue] => [a, campaignsDueQueue]),
    ...['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'].map((a): [string, CfnValue] => [
      `dynamodb:${a}`,
      table,
    ]),
    ['secretsmanager:GetSecretValue', cxoneSecret],
    ['sqs:SendMessage', dispatchQueue],
    ['sqs:SendMessage', wfmQueue],
  ],
  GetCampaignPolicyLambdaFunction: [
    ['dynamodb:GetItem', table],
    ['dynamodb:Query', table],
  ],
  PutCampaignPolicyLambdaFunction: [
    ...['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'].map((a): [string, CfnValue] => [
      `dynamodb:${a}`,
      table,
    ]),
    ['secretsmanager:GetSecretValue', cxoneSecret],
    ['sqs:SendMessage', dispatchQueue],
    ['sqs:SendMessage', wfmQueue],
  ],
  DeleteCampaignPolicyLambdaFunction: [
    ['dynamodb:GetItem', table],
    ['dynamodb:DeleteItem', table],
    ['sqs:SendMessage', wfmQueue],
  ],
};

const powertoolsEnv = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'NODE_OPTIONS',
];
// The environment each handler reads at init (docs/architecture.md), per function. The functions that read the
// campaign policies (through the cached table port) get POLICY_CACHE_SECONDS; no function bundles a policies file.
const expectedEnv: Record<string, string[]> = {
  SubmitAssignmentLambdaFunction: [
    'TABLE_NAME',
    'DISPATCH_QUEUE_URL',
    'POLICY_CACHE_SECONDS',
    'MAX_BODY_BYTES',
  ],
  GetAssignmentLambdaFunction: ['TABLE_NAME'],
  GetCampaignAgentsLambdaFunction: ['TABLE_NAME', 'POLICY_CACHE_SECONDS'],
  GetCampaignDriftLambdaFunction: [
    'TABLE_NAME',
    'POLICY_CACHE_SECONDS',
    'CXONE_SECRET_ID',
    'CXONE_TARGET',
    'CXONE_API_VERSION',
    'CXONE_RATE_LIMIT_PER_SECOND',
    'CXONE_RATE_BUDGET',
    'CXONE_RATE_INSTANCES',
    'SECRETS_MAX_AGE_SECONDS',
  ],
  HealthLambdaFunction: ['TABLE_NAME', 'DISPATCH_QUEUE_URL'],
  DispatchAssignmentsLambdaFunction: [
    'TABLE_NAME',
    'DISPATCH_QUEUE_URL',
    'WFM_QUEUE_URL',
    'DISPATCH_MAX_RECEIVE_COUNT',
    'CXONE_SECRET_ID',
    'CXONE_TARGET',
    'CXONE_API_VERSION',
    'CXONE_RATE_LIMIT_PER_SECOND',
    'CXONE_RATE_BUDGET',
    'CXONE_RATE_INSTANCES',
    'POLICY_CACHE_SECONDS',
    'SECRETS_MAX_AGE_SECONDS',
  ],
  DeliverWfmWebhookLambdaFunction: [
    'TABLE_NAME',
    'WFM_QUEUE_URL',
    'WFM_DLQ_URL',
    'WFM_SECRET_ID',
    'WFM_ENDPOINT_KEY_ID',
    'WFM_ENDPOINTS',
    'WFM_ALLOW_PRIVATE_TARGETS',
    'WFM_EVENT_RETENTION_DAYS',
    'SECRETS_MAX_AGE_SECONDS',
  ],
  WebhookEndpointsReadLambdaFunction: ['TABLE_NAME', 'WFM_EVENT_RETENTION_DAYS'],
  WebhookEndpointsWriteLambdaFunction: ['TABLE_NAME', 'WFM_ENDPOINT_KEY_ID', 'WFM_ALLOW_PRIVATE_TARGETS'],
  WebhookEndpointReplayLambdaFunction: ['TABLE_NAME', 'WFM_QUEUE_URL', 'WFM_EVENT_RETENTION_DAYS'],
  SchedulerLambdaFunction: ['TABLE_NAME', 'CAMPAIGNS_DUE_QUEUE_URL'],
  CampaignDueLambdaFunction: [
    'TABLE_NAME',
    'DISPATCH_QUEUE_URL',
    'WFM_QUEUE_URL',
    'CXONE_SECRET_ID',
    'CXONE_TARGET',
    'CXONE_API_VERSION',
    'CXONE_RATE_LIMIT_PER_SECOND',
    'CXONE_RATE_BUDGET',
    'CXONE_RATE_INSTANCES',
    'POLICY_CACHE_SECONDS',
    'SECRETS_MAX_AGE_SECONDS',
  ],
  GetCampaignPolicyLambdaFunction: ['TABLE_NAME'],
  PutCampaignPolicyLambdaFunction: [
    'TABLE_NAME',
    'DISPATCH_QUEUE_URL',
    'WFM_QUEUE_URL',
    'CXONE_SECRET_ID',
    'CXONE_TARGET',
    'CXONE_API_VERSION',
    'CXONE_RATE_LIMIT_PER_SECOND',
    'CXONE_RATE_BUDGET',
    'CXONE_RATE_INSTANCES',
    'SECRETS_MAX_AGE_SECONDS',
    'MAX_BODY_BYTES',
  ],
  DeleteCampaignPolicyLambdaFunction: ['TABLE_NAME', 'WFM_QUEUE_URL'],
};

const expectedRoutes: Record<string, string> = {
  'PUT /campaigns/{campaignId}/agents': 'SubmitAssignment',
  'GET /assignments/{assignmentId}': 'GetAssignment',
  'GET /campaigns/{campaignId}/agents': 'GetCampaignAgents',
  'GET /campaigns/{campaignId}/drift': 'GetCampaignDrift',
  'GET /health': 'Health',
  'GET /webhooks/endpoints': 'WebhookEndpointsRead',
  'GET /webhooks/endpoints/{id}': 'WebhookEndpointsRead',
  'GET /webhooks/endpoints/{id}/deliveries': 'WebhookEndpointsRead',
  'POST /webhooks/endpoints': 'WebhookEndpointsWrite',
  'PATCH /webhooks/endpoints/{id}': 'WebhookEndpointsWrite',
  'DELETE /webhooks/endpoints/{id}': 'WebhookEndpointsWrite',
  'POST /webhooks/endpoints/{id}/rotate-secret': 'WebhookEndpointsWrite',
  'POST /webhooks/endpoints/{id}/replay': 'WebhookEndpointReplay',
  'GET /campaigns': 'GetCampaignPolicy',
  'GET /campaigns/{campaignId}': 'GetCampaignPolicy',
  'GET /campaigns/{campaignId}/versions': 'GetCampaignPolicy',
  'PUT /campaigns/{campaignId}': 'PutCampaignPolicy',
  'DELETE /campaigns/{campaignId}': 'DeleteCampaignPolicy',
};

/** The JWT scope each route requires (infra/http-api-auth.yml); /health takes any valid token. */
const expectedScopes: Record<string, string[] | undefined> = {
  'PUT /campaigns/{campaignId}/agents': ['assignments:write'],
  'GET /assignments/{assignmentId}': ['assignments:read'],
  'GET /campaigns/{campaignId}/agents': ['assignments:read'],
  'GET /campaigns/{campaignId}/drift': ['assignments:read'],
  'GET /health': undefined,
  'GET /campaigns': ['campaigns:admin'],
  'GET /campaigns/{campaignId}': ['campaigns:admin'],
  'GET /campaigns/{campaignId}/versions': ['campaigns:admin'],
  'PUT /campaigns/{campaignId}': ['campaigns:admin'],
  'DELETE /campaigns/{campaignId}': ['campaigns:admin'],
  'GET /webhooks/endpoints': ['webhooks:admin'],
  'GET /webhooks/endpoints/{id}': ['webhooks:admin'],
  'GET /webhooks/endpoints/{id}/deliveries': ['webhooks:admin'],
  'POST /webhooks/endpoints': ['webhooks:admin'],
  'PATCH /webhooks/endpoints/{id}': ['webhooks:admin'],
  'DELETE /webhooks/endpoints/{id}': ['webhooks:admin'],
  'POST /webhooks/endpoints/{id}/rotate-secret': ['webhooks:admin'],
  'POST /webhooks/endpoints/{id}/replay': ['webhooks:admin'],
};

/** Packages stage `ci` (a non-local stage, like any deployed one) with `--param` values. */
function packageService(outDir: string, params: string[]): Promise<CfnTemplate> {
  return packageStage(outDir, 'ci', params);
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function resourceOf(template: CfnTemplate, logicalId: string): CfnResource {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return resource;
}

function envOf(fn: CfnResource): Record<string, CfnValue> {
  return (fn.Properties.Environment as { Variables: Record<string, CfnValue> }).Variables;
}

function functionsOf(template: CfnTemplate) {
  return resourcesOfType(template, 'AWS::Lambda::Function');
}

function roleIdOf(fn: CfnResource): string {
  const role = fn.Properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

function statementsOf(role: CfnResource): PolicyStatement[] {
  const policies = role.Properties.Policies as { PolicyDocument: { Statement: PolicyStatement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

/** A condition that is a literal comparison of two different strings can never be true. */
function isNeverTrue(template: CfnTemplate, conditionName: string | undefined): boolean {
  if (!conditionName) return false;
  const condition = template.Conditions?.[conditionName] as { 'Fn::Equals'?: unknown[] } | undefined;
  const operands = condition?.['Fn::Equals'];
  return (
    Array.isArray(operands) && operands.every((o) => typeof o === 'string') && operands[0] !== operands[1]
  );
}

function grantKey(action: string, resource: CfnValue): string {
  return `${action} on ${JSON.stringify(resource)}`;
}

describe('serverless package (IAM auth, stage ci, no AWS credentials)', () => {
  let outDir = '';
  let template: CfnTemplate;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'cxone-assignments-package-'));
    // Both alarm targets, and one fan-out cap away from its default.
    template = await packageService(outDir, [
      'alarmEmail=oncall@example.com',
      `alarmTopicArn=${alarmTopicArn}`,
      'wfmMaxConcurrency=3',
    ]);
  }, packageTimeoutMs);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('defines the fifteen functions of the architecture on nodejs24.x and arm64', () => {
    const fns = functionsOf(template);
    expect(fns.map(([id]) => id).sort()).toEqual(Object.keys(expectedGrants).sort());
    for (const [, fn] of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('gives every function a role of its own that no other function shares', () => {
    const fns = functionsOf(template);
    const roleIds = fns.map(([, fn]) => roleIdOf(fn));
    expect(new Set(roleIds).size).toBe(fns.length);
    for (const roleId of roleIds) {
      expect(template.Resources[roleId]?.Type).toBe('AWS::IAM::Role');
    }
    // Any other role in the template is never created.
    for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
      if (!roleIds.includes(id)) expect(isNeverTrue(template, role.Condition), id).toBe(true);
    }
  });

  it('grants each function exactly the actions and resources it uses, plus writing its own logs', () => {
    for (const [fnId, fn] of functionsOf(template)) {
      const statements = statementsOf(template.Resources[roleIdOf(fn)] as CfnResource);
      const grants = new Set<string>();
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of asArray(statement.Action)) {
          for (const resource of asArray(statement.Resource)) {
            if (action.startsWith('logs:')) {
              expect(['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents']).toContain(action);
              const arn = (resource as { 'Fn::Sub': string })['Fn::Sub'];
              expect(arn, fnId).toContain(`:log-group:/aws/lambda/${fn.Properties.FunctionName}:`);
            } else {
              grants.add(grantKey(action, resource));
            }
          }
        }
      }
      const expected = (expectedGrants[fnId] ?? []).map(([a, r]) => grantKey(a, r));
      expect([...grants].sort(), fnId).toEqual([...new Set(expected)].sort());
    }
  });

  it('has no IAM statement with a wildcard action or a "*" resource', () => {
    for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
      for (const statement of statementsOf(role)) {
        for (const action of asArray(statement.Action)) expect(action, id).not.toContain('*');
        for (const resource of asArray(statement.Resource)) expect(resource, id).not.toBe('*');
      }
    }
  });

  it('sets exactly the environment variables of the contract, from stack references', () => {
    for (const [fnId, fn] of functionsOf(template)) {
      const env = envOf(fn);
      expect(Object.keys(env).sort(), fnId).toEqual([...powertoolsEnv, ...(expectedEnv[fnId] ?? [])].sort());
      if ('TABLE_NAME' in env) expect(env.TABLE_NAME).toEqual({ Ref: 'AssignmentsTable' });
      if ('DISPATCH_QUEUE_URL' in env) expect(env.DISPATCH_QUEUE_URL).toEqual({ Ref: 'DispatchQueue' });
      if ('POLICY_CACHE_SECONDS' in env) expect(env.POLICY_CACHE_SECONDS).toBe('30');
    }
    const dispatchEnv = envOf(resourceOf(template, 'DispatchAssignmentsLambdaFunction'));
    expect(dispatchEnv.WFM_QUEUE_URL).toEqual({ Ref: 'WfmEventsQueue' });
    expect(dispatchEnv.CXONE_SECRET_ID).toEqual(cxoneSecret);
    const deliverEnv = envOf(resourceOf(template, 'DeliverWfmWebhookLambdaFunction'));
    expect(deliverEnv.WFM_SECRET_ID).toEqual(wfmSecret);
    expect(deliverEnv.WFM_QUEUE_URL).toEqual({ Ref: 'WfmEventsQueue' });
    expect(deliverEnv.WFM_DLQ_URL).toEqual({ Ref: 'WfmEventsDLQ' });
    // Only the delivery function knows the endpoints: the dispatcher queues each event once for fan-out.
    expect(deliverEnv.WFM_ENDPOINTS).toBe('[]');
    expect(dispatchEnv.WFM_ENDPOINTS).toBeUndefined();
    expect(envOf(resourceOf(template, 'PutCampaignPolicyLambdaFunction')).WFM_ENDPOINTS).toBeUndefined();
    expect(deliverEnv.WFM_ALLOW_PRIVATE_TARGETS).toBe('false');
    for (const fnId of ['DeliverWfmWebhookLambdaFunction', 'WebhookEndpointsWriteLambdaFunction']) {
      expect(envOf(resourceOf(template, fnId)).WFM_ENDPOINT_KEY_ID, fnId).toEqual(webhookKey);
    }
    const putPolicyEnv = envOf(resourceOf(template, 'PutCampaignPolicyLambdaFunction'));
    expect(putPolicyEnv.CXONE_SECRET_ID).toEqual(cxoneSecret);
    for (const name of ['CXONE_TARGET', 'CXONE_API_VERSION', 'CXONE_RATE_LIMIT_PER_SECOND']) {
      expect(putPolicyEnv[name], name).toBe(dispatchEnv[name]);
    }
  });

  it('makes the dispatch queue FIFO with a FIFO DLQ, explicit deduplication and maxReceiveCount >= 5', () => {
    const queue = resourceOf(template, 'DispatchQueue').Properties;
    const dlq = resourceOf(template, 'DispatchDLQ').Properties;
    expect(queue.FifoQueue).toBe(true);
    expect(String(queue.QueueName)).toMatch(/^cxone-assignments-ci-dispatch\.fifo$/);
    expect(queue.ContentBasedDeduplication).toBe(false);
    expect(dlq.FifoQueue).toBe(true);
    expect(String(dlq.QueueName)).toMatch(/\.fifo$/);
    const redrive = queue.RedrivePolicy as { deadLetterTargetArn: CfnValue; maxReceiveCount: number };
    expect(redrive.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['DispatchDLQ', 'Arn'] });
    expect(Number(redrive.maxReceiveCount)).toBeGreaterThanOrEqual(5);
    // The dispatcher marks an assignment `failed` on the last receive, so it must know the same number.
    const env = envOf(resourceOf(template, 'DispatchAssignmentsLambdaFunction'));
    expect(Number(env.DISPATCH_MAX_RECEIVE_COUNT)).toBe(Number(redrive.maxReceiveCount));
  });

  it('redrives the standard WFM queue to its DLQ; DLQs keep messages 14 days; all queues use SSE', () => {
    const queue = resourceOf(template, 'WfmEventsQueue').Properties;
    expect(queue.FifoQueue).toBeUndefined();
    const redrive = queue.RedrivePolicy as { deadLetterTargetArn: CfnValue; maxReceiveCount: number };
    expect(redrive.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['WfmEventsDLQ', 'Arn'] });
    expect(Number(redrive.maxReceiveCount)).toBeGreaterThanOrEqual(5);
    // The backstop after the delivery function's own last attempt: as many receives as the schedule has attempts.
    expect(Number(redrive.maxReceiveCount)).toBe(attemptsOf(DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS));
    // A delivery outlives its whole schedule even when every wait is stretched to 12 h by Retry-After.
    const worstCase = DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS.length * MAX_RETRY_WAIT_SECONDS;
    expect(scheduleSpanSeconds(DEFAULT_WEBHOOK_RETRY_SCHEDULE_SECONDS)).toBeLessThan(worstCase);
    expect(Number(queue.MessageRetentionPeriod)).toBeGreaterThan(worstCase);
    for (const dlq of ['DispatchDLQ', 'WfmEventsDLQ', 'CampaignsDueDLQ']) {
      expect(resourceOf(template, dlq).Properties.MessageRetentionPeriod).toBe(1209600);
    }
    for (const [id, q] of resourcesOfType(template, 'AWS::SQS::Queue')) {
      expect(q.Properties.SqsManagedSseEnabled, id).toBe(true);
    }
  });

  it('consumes the three queues in batches of 10 with ReportBatchItemFailures and visibility >= 6x the timeout', () => {
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
    const consumers = new Map<string, string>();
    for (const [, mapping] of mappings) {
      const queueId =
        (mapping.Properties.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] ?? '';
      const fnId = (mapping.Properties.FunctionName as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] ?? '';
      consumers.set(queueId, fnId);
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.Properties.BatchSize).toBe(10);
      const visibility = Number(resourceOf(template, queueId).Properties.VisibilityTimeout);
      const timeout = Number(resourceOf(template, fnId).Properties.Timeout);
      expect(timeout).toBeGreaterThan(0);
      expect(visibility, queueId).toBeGreaterThanOrEqual(6 * timeout);
    }
    expect(Object.fromEntries(consumers)).toEqual({
      DispatchQueue: 'DispatchAssignmentsLambdaFunction',
      WfmEventsQueue: 'DeliverWfmWebhookLambdaFunction',
      CampaignsDueQueue: 'CampaignDueLambdaFunction',
    });
  });

  it('caps every SQS event source with MaximumConcurrency from its param', () => {
    const caps = Object.fromEntries(
      resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => [
        (mapping.Properties.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
        (mapping.Properties.ScalingConfig as { MaximumConcurrency?: unknown } | undefined)
          ?.MaximumConcurrency,
      ]),
    );
    // dispatchMaxConcurrency at its default, wfmMaxConcurrency given on the command line.
    expect(caps).toEqual({ DispatchQueue: 5, WfmEventsQueue: 3, CampaignsDueQueue: 5 });
  });

  it('runs the scheduler every minute on an EventBridge cron schedule', () => {
    const rules = resourcesOfType(template, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0] as [string, CfnResource];
    expect(rule.Properties.ScheduleExpression).toBe('cron(* * * * ? *)');
    expect(rule.Properties.State).toBe('ENABLED');
    const targets = rule.Properties.Targets as { Arn: CfnValue }[];
    expect(targets.map((t) => t.Arn)).toEqual([{ 'Fn::GetAtt': ['SchedulerLambdaFunction', 'Arn'] }]);
  });

  it('indexes the campaigns by due time in a sparse DueIndex, sharded by dueShard', () => {
    const tableProps = resourceOf(template, 'AssignmentsTable').Properties;
    expect(tableProps.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'DueIndex',
        KeySchema: [
          { AttributeName: 'dueShard', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['campaignId', 'lastDriftCheckAt'] },
      },
    ]);
  });

  it('fans due campaigns out on a standard queue whose failures go to a DLQ after 3 receives', () => {
    const queue = resourceOf(template, 'CampaignsDueQueue').Properties;
    expect(queue.FifoQueue).toBeUndefined();
    expect(queue.QueueName).toBe('cxone-assignments-ci-campaigns-due');
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['CampaignsDueDLQ', 'Arn'] },
      maxReceiveCount: 3,
    });
  });

  it('retries a failed scheduler run twice, then sends it to its failures queue (14 days, SSE)', () => {
    const configs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');
    expect(configs.map(([, c]) => c.Properties.FunctionName)).toEqual([{ Ref: 'SchedulerLambdaFunction' }]);
    const [, config] = configs[0] as [string, CfnResource];
    expect(config.Properties.MaximumRetryAttempts).toBe(2);
    expect(config.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: schedulerFailures } });
    const queue = resourceOf(template, 'SchedulerFailuresQueue').Properties;
    expect(queue.QueueName).toBe('cxone-assignments-ci-scheduler-failures');
    expect(queue.MessageRetentionPeriod).toBe(1209600);
    expect(queue.SqsManagedSseEnabled).toBe(true);
  });

  it('protects every HTTP route with IAM (SigV4) auth and throttles the stage', () => {
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route');
    const routeKeys = routes.map(([, r]) => r.Properties.RouteKey as string).sort();
    expect(routeKeys).toEqual(Object.keys(expectedRoutes).sort());
    for (const [, route] of routes) {
      expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
      const integration = expectedRoutes[route.Properties.RouteKey as string];
      expect(route.Properties.Target).toEqual({
        'Fn::Join': ['/', ['integrations', { Ref: `HttpApiIntegration${integration}` }]],
      });
    }
    expect(resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer')).toEqual([]);
    const settings = resourceOf(template, 'HttpApiStage').Properties.DefaultRouteSettings as Record<
      string,
      unknown
    >;
    expect(settings.ThrottlingRateLimit).toBe(50);
    expect(settings.ThrottlingBurstLimit).toBe(100);
  });

  it('keeps endpoint secrets under a rotating customer-managed KMS key that only the webhook roles may use', () => {
    const key = resourceOf(template, 'WebhookEndpointKey');
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true, KeySpec: 'SYMMETRIC_DEFAULT' });
    expect([key.DeletionPolicy, key.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    const kmsUsers: Record<string, string[]> = {};
    for (const [fnId, fn] of functionsOf(template)) {
      for (const statement of statementsOf(template.Resources[roleIdOf(fn)] as CfnResource)) {
        for (const action of asArray(statement.Action).filter((a) => a.startsWith('kms:'))) {
          kmsUsers[fnId] = [...(kmsUsers[fnId] ?? []), action];
          expect((statement as { Condition?: unknown }).Condition, fnId).toEqual({
            StringEquals: { 'kms:EncryptionContext:purpose': 'webhook-signing-secret' },
          });
        }
      }
    }
    expect(kmsUsers).toEqual({
      DeliverWfmWebhookLambdaFunction: ['kms:Decrypt'],
      WebhookEndpointsWriteLambdaFunction: ['kms:Encrypt'],
    });
  });

  it('lets the webhook functions reach only their own DynamoDB partitions', () => {
    const leadingKeys = (fnId: string) =>
      statementsOf(template.Resources[roleIdOf(resourceOf(template, fnId))] as CfnResource)
        .filter((statement) => asArray(statement.Action).some((a) => a.startsWith('dynamodb:')))
        .map(
          (statement) =>
            (statement as { Condition?: Record<string, Record<string, unknown>> }).Condition?.[
              'ForAllValues:StringLike'
            ]?.['dynamodb:LeadingKeys'],
        );
    expect(leadingKeys('WebhookEndpointsReadLambdaFunction')).toEqual([
      ['WEBHOOK_ENDPOINTS', 'WEBHOOK_DELIVERIES#*'],
    ]);
    expect(leadingKeys('WebhookEndpointsWriteLambdaFunction')).toEqual([['WEBHOOK_ENDPOINTS']]);
    expect(leadingKeys('WebhookEndpointReplayLambdaFunction')).toEqual([
      ['WEBHOOK_ENDPOINTS', 'WFM_EVENTS#*'],
    ]);
    expect(leadingKeys('DeliverWfmWebhookLambdaFunction')).toEqual([
      ['WEBHOOK_ENDPOINTS', 'WEBHOOK_DELIVERIES#*', 'WFM_EVENTS#*'],
    ]);
  });

  it('lets the campaign policy functions reach only the policy, skill claim and (re-plan) campaign items', () => {
    const leadingKeys = (fnId: string) =>
      statementsOf(template.Resources[roleIdOf(resourceOf(template, fnId))] as CfnResource)
        .filter((statement) => asArray(statement.Action).some((a) => a.startsWith('dynamodb:')))
        .map(
          (statement) =>
            (statement as { Condition?: Record<string, Record<string, unknown>> }).Condition?.[
              'ForAllValues:StringLike'
            ]?.['dynamodb:LeadingKeys'],
        );
    expect(leadingKeys('GetCampaignPolicyLambdaFunction')).toEqual([['POLICIES', 'POLICY#*']]);
    expect(leadingKeys('PutCampaignPolicyLambdaFunction')).toEqual([
      ['POLICIES', 'POLICY#*', 'SKILL#*', 'CAMPAIGN#*', 'ASSIGNMENT#*'],
      ['RATE#*'],
    ]);
    expect(leadingKeys('DeleteCampaignPolicyLambdaFunction')).toEqual([
      ['POLICIES', 'SKILL#*', 'CAMPAIGN#*'],
    ]);
  });

  it('lets the CXone callers other than the dispatcher reach the rate budget only in its RATE# partitions', () => {
    for (const fnId of [
      'GetCampaignDriftLambdaFunction',
      'CampaignDueLambdaFunction',
      'PutCampaignPolicyLambdaFunction',
    ]) {
      const rate = statementsOf(
        template.Resources[roleIdOf(resourceOf(template, fnId))] as CfnResource,
      ).filter((statement) =>
        JSON.stringify((statement as { Condition?: unknown }).Condition ?? null).includes('"RATE#*"'),
      );
      expect(
        rate.map((statement) => asArray(statement.Action).sort()),
        fnId,
      ).toEqual([['dynamodb:GetItem', 'dynamodb:UpdateItem']]);
    }
  });

  it('creates the table and the two secrets with stable logical ids and no secret values', () => {
    const tableProps = resourceOf(template, 'AssignmentsTable').Properties;
    expect(tableProps.BillingMode).toBe('PAY_PER_REQUEST');
    expect(tableProps.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(tableProps.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(tableProps.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    const secrets = {
      CxoneCredentialsSecret: 'cxone-assignments/ci/cxone-credentials',
      WfmSigningSecret: 'cxone-assignments/ci/wfm-signing-secret',
    };
    for (const [id, name] of Object.entries(secrets)) {
      const secret = resourceOf(template, id);
      expect(secret.Type).toBe('AWS::SecretsManager::Secret');
      expect(secret.Properties.Name).toBe(name);
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.GenerateSecretString).toBeUndefined();
    }
  });

  it('alarms on every DLQ (depth and age), both queues, API 5xx, CXone auth failures, the rate-budget fallback and every function', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const alarmOn = (namespace: string, metric: string, dimension: CfnValue) =>
      alarms.filter(
        (a) =>
          a.Namespace === namespace &&
          a.MetricName === metric &&
          JSON.stringify(a.Dimensions).includes(JSON.stringify(dimension)),
      );
    const expectOne = (namespace: string, metric: string, dimension: CfnValue) => {
      const found = alarmOn(namespace, metric, dimension);
      expect(found, `${metric} on ${JSON.stringify(dimension)}`).toHaveLength(1);
      const [alarm] = found;
      expect(alarm?.ComparisonOperator).toBe('GreaterThanThreshold');
      expect(alarm?.TreatMissingData).toBe('notBreaching');
      return alarm as Record<string, CfnValue>;
    };
    for (const dlq of ['DispatchDLQ', 'WfmEventsDLQ', 'CampaignsDueDLQ', 'SchedulerFailuresQueue']) {
      const depth = expectOne('AWS/SQS', 'ApproximateNumberOfMessagesVisible', {
        'Fn::GetAtt': [dlq, 'QueueName'],
      });
      expect(depth.Threshold, dlq).toBe(0);
      // Well before the 14-day retention deletes the message.
      const age = expectOne('AWS/SQS', 'ApproximateAgeOfOldestMessage', { 'Fn::GetAtt': [dlq, 'QueueName'] });
      expect(Number(age.Threshold), dlq).toBe(7 * 86400);
    }
    for (const queue of ['DispatchQueue', 'WfmEventsQueue']) {
      expectOne('AWS/SQS', 'ApproximateAgeOfOldestMessage', { 'Fn::GetAtt': [queue, 'QueueName'] });
    }
    expect(expectOne('AWS/ApiGateway', '5xx', { Name: 'ApiId', Value: { Ref: 'HttpApi' } }).Threshold).toBe(
      0,
    );
    const auth = expectOne('CxoneAssignments', 'CxoneAuthFailures', {
      Name: 'service',
      Value: 'cxone-assignments-ci',
    });
    expect(auth).toMatchObject({ Threshold: 0, Period: 300, Statistic: 'Sum' });
    const fallback = expectOne('CxoneAssignments', 'CxoneRateBudgetFallback', {
      Name: 'service',
      Value: 'cxone-assignments-ci',
    });
    expect(fallback).toMatchObject({ Threshold: 0, Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    const disabled = expectOne('CxoneAssignments', 'WebhookEndpointDisabled', {
      Name: 'service',
      Value: 'cxone-assignments-ci',
    });
    expect(disabled).toMatchObject({ Threshold: 0, Period: 300, Statistic: 'Sum' });
    for (const [fnId] of functionsOf(template)) {
      for (const metric of ['Errors', 'Throttles']) {
        const alarm = expectOne('AWS/Lambda', metric, { Name: 'FunctionName', Value: { Ref: fnId } });
        expect(alarm, `${fnId} ${metric}`).toMatchObject({ Threshold: 0, Period: 300, Statistic: 'Sum' });
      }
    }
    expect(alarms).toHaveLength(4 * 2 + 2 + 1 + 1 + 1 + 1 + 2 * functionsOf(template).length);
  });

  it('notifies the alarm topic and the given topic from every alarm, and subscribes the given e-mail', () => {
    for (const [id, alarm] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: 'AlarmTopic' }, alarmTopicArn]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: 'AlarmTopic' }, alarmTopicArn]);
    }
    const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions).toEqual([
      { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: 'oncall@example.com' },
    ]);
    expect(template.Conditions ?? {}).not.toHaveProperty('HasAlarmEmail');
  });

  it('retains the secrets, the table and the dead-letter queues when the stack goes or replaces them', () => {
    for (const id of [
      'CxoneCredentialsSecret',
      'WfmSigningSecret',
      'AssignmentsTable',
      'WebhookEndpointKey',
      'DispatchDLQ',
      'WfmEventsDLQ',
      'CampaignsDueDLQ',
      'SchedulerFailuresQueue',
    ]) {
      const resource = resourceOf(template, id);
      expect([resource.DeletionPolicy, resource.UpdateReplacePolicy], id).toEqual(['Retain', 'Retain']);
    }
  });

  it('builds a dashboard body that is valid JSON once substituted and shows the EMF metrics', () => {
    const dashboard = resourceOf(template, 'Dashboard');
    const body = (dashboard.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    const substituted = body.replace(/\$\{[A-Za-z0-9:.]+\}/g, 'x');
    const parsed = JSON.parse(substituted) as { widgets: unknown[] };
    expect(parsed.widgets.length).toBeGreaterThan(0);
    for (const metric of [
      'TotalLatencyMs',
      'CxoneLatencyMs',
      'QueueWaitMs',
      'AssignmentApplied',
      'AssignmentPartiallyApplied',
      'AssignmentRejected',
      'AssignmentFailed',
      'AssignmentSuperseded',
      'WebhookDelivered',
      'WebhookFailed',
      'CampaignsDue',
      'CampaignsHandled',
      'CampaignsDrifted',
      'CampaignsRepaired',
      'CxoneAuthFailures',
    ]) {
      expect(body).toContain(`"CxoneAssignments", "${metric}", "service", "cxone-assignments-ci"`);
    }
  });

  it('zips every function under 400 KiB with its ESM handler and a map of our code only, no policies file', async () => {
    const zips = (await readdir(outDir)).filter((f) => f.endsWith('.zip')).sort();
    expect(zips).toHaveLength(15);
    for (const [, fn] of functionsOf(template)) {
      const handlerFile = `${String(fn.Properties.Handler).replace(/\.handler$/, '')}.mjs`;
      const zipName = `${String(fn.Properties.FunctionName).replace('cxone-assignments-ci-', '')}.zip`;
      const zip = await readFile(join(outDir, zipName));
      expect(zip.length, zipName).toBeLessThanOrEqual(maxZipBytes);
      const entries = zipEntries(zip);
      const names = entries.map((e) => e.name);
      expect(names, zipName).toContain(handlerFile);
      expect(names, zipName).toContain(`${handlerFile}.map`);
      // Policies are data in the table; the file is only the seed `npm run policies:import` reads.
      expect(names, zipName).not.toContain('config/campaign-policies.json');
      const map = JSON.parse(
        entries
          .find((e) => e.name === `${handlerFile}.map`)
          ?.read()
          .toString() ?? '{}',
      ) as { version?: number; sources?: string[]; sourcesContent?: unknown[] };
      expect(map.version, zipName).toBe(3);
      // Source maps point to the sources without embedding them, and to ours only.
      expect(map.sourcesContent ?? [], zipName).toEqual([]);
      expect(map.sources?.filter((source) => source.includes('node_modules')) ?? [], zipName).toEqual([]);
      const handlerSource = handlerFile.replace(/\.mjs$/, '.ts');
      expect(
        map.sources?.filter((source) => source.endsWith(`/${handlerSource}`)) ?? [],
        zipName,
      ).toHaveLength(1);
    }
  });

  it('keeps a map that resolves a position in lib/app/dispatch.ts to its TypeScript line and column', async () => {
    const entries = zipEntries(await readFile(join(outDir, 'dispatchAssignments.zip')));
    const read = (name: string) =>
      entries
        .find((e) => e.name === name)
        ?.read()
        .toString() ?? '';
    const bundle = read('functions/dispatch-assignments.mjs');
    const payload = JSON.parse(read('functions/dispatch-assignments.mjs.map')) as { sources: string[] };
    const map = new SourceMap(payload as SourceMapPayload);
    const sourceText = async (source: string) =>
      readFile(join(repoRoot, source.replace(/^(\.\.\/)+/, '')), 'utf8');
    const dispatchSource = payload.sources.find((source) => source.endsWith('/lib/app/dispatch.ts')) ?? '';
    const dispatchText = await sourceText(dispatchSource);
    const otherTexts = await Promise.all(
      payload.sources.filter((source) => source !== dispatchSource).map(sourceText),
    );
    // String literals only dispatch.ts has among our bundled files, and only once in the whole bundle
    // (esbuild prints them double-quoted): their bundle position must map back to them.
    const literals = [...new Set([...dispatchText.matchAll(/'([\w.]+)'/g)].map((m) => m[0]))].filter(
      (literal) =>
        !otherTexts.some((text) => text.includes(literal)) &&
        bundle.split(`"${literal.slice(1, -1)}"`).length === 2,
    );
    expect(literals.length).toBeGreaterThan(0);
    const dispatchLines = dispatchText.split('\n');
    for (const literal of literals) {
      const before = bundle.slice(0, bundle.indexOf(`"${literal.slice(1, -1)}"`)).split('\n');
      const entry: Partial<SourceMapping> = map.findEntry(before.length - 1, before.at(-1)?.length ?? 0);
      expect(entry.originalSource, literal).toBe(dispatchSource);
      const original = dispatchLines[entry.originalLine ?? -1]?.slice(entry.originalColumn);
      expect(original, literal).toMatch(new RegExp(`^${literal.replaceAll('.', '\\.')}`));
    }
  });

  it('emits handler bundles that Node parses as ES modules (the require banner does not collide)', async () => {
    const checkDir = await mkdtemp(join(tmpdir(), 'cxone-assignments-bundle-'));
    try {
      for (const [, fn] of functionsOf(template)) {
        const handlerFile = `${String(fn.Properties.Handler).replace(/\.handler$/, '')}.mjs`;
        const zipName = `${String(fn.Properties.FunctionName).replace('cxone-assignments-ci-', '')}.zip`;
        const entry = zipEntries(await readFile(join(outDir, zipName))).find((e) => e.name === handlerFile);
        const source = entry?.read() ?? Buffer.alloc(0);
        expect(source.toString('utf8', 0, 200)).toContain('createRequire');
        const bundlePath = join(checkDir, `${zipName}.mjs`);
        await writeFile(bundlePath, source);
        await expect(execFileAsync(process.execPath, ['--check', bundlePath])).resolves.toBeDefined();
      }
    } finally {
      await rm(checkDir, { recursive: true, force: true });
    }
  });
});

describe('serverless package with apiAuth=jwt and alarms=off', () => {
  let outDir = '';
  let template: CfnTemplate;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'cxone-assignments-package-jwt-'));
    template = await packageService(outDir, [
      'apiAuth=jwt',
      'jwtIssuer=https://login.example.com/',
      'jwtAudience=cxone-assignments',
      'jwtScopePrefix=https://api.example.com/',
      'alarms=off',
    ]);
  }, packageTimeoutMs);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('protects every route with the JWT authorizer of the given issuer and audience', () => {
    const authorizers = resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0] as [string, CfnResource];
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(authorizer.Properties.JwtConfiguration).toEqual({
      Audience: ['cxone-assignments'],
      Issuer: 'https://login.example.com/',
    });
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(Object.keys(expectedRoutes).length);
    for (const [, route] of routes) {
      expect(route.Properties.AuthorizationType).toBe('JWT');
      expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
    }
  });

  it('requires each route’s scope, with the prefix: assignments:write, assignments:read or campaigns:admin', () => {
    const scopes = Object.fromEntries(
      resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => [
        route.Properties.RouteKey as string,
        route.Properties.AuthorizationScopes as string[] | undefined,
      ]),
    );
    const prefixed = Object.fromEntries(
      Object.entries(expectedScopes).map(([route, needed]) => [
        route,
        needed?.map((scope) => `https://api.example.com/${scope}`),
      ]),
    );
    expect(scopes).toEqual(prefixed);
  });

  it('keeps the alarms, notifying only the stack topic, with no subscription, when alarms are off', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(20);
    for (const [id, alarm] of alarms)
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(resourcesOfType(template, 'AWS::SNS::Subscription')).toEqual([]);
  });

  it(
    'refuses to resolve the configuration in jwt mode without an issuer',
    async () => {
      const failure = await failureOf(
        serverless(['print', '--stage', 'ci', '--param=apiAuth=jwt', '--param=alarms=off']),
      );
      expect(failure).toContain('Cannot resolve variable');
      expect(failure).toContain('issuerUrl');
    },
    packageTimeoutMs,
  );
});

describe('alarm targets of a stage', () => {
  const noOne =
    /Alarms of stage "(\w+)" would notify no one: set --param='alarmEmail=<address>'.*--param='alarmTopicArn=<existing SNS topic ARN>', or say --param='alarms=off'/;

  it(
    'refuses a deployed stage whose alarms would notify no one, naming the three ways out',
    async () => {
      for (const stage of ['ci', 'prod']) {
        const failure = await failureOf(serverless(['print', '--stage', stage]));
        expect(failure.match(noOne)?.[1], failure).toBe(stage);
      }
    },
    packageTimeoutMs,
  );

  it(
    'refuses an alarmTopicArn that is not an SNS topic ARN and an alarms value other than on/off',
    async () => {
      const badArn = await failureOf(serverless(['print', '--stage', 'ci', '--param=alarmTopicArn=oncall']));
      expect(badArn).toContain('alarmTopicArn "oncall" is not an SNS topic ARN');
      const badSwitch = await failureOf(serverless(['print', '--stage', 'ci', '--param=alarms=no']));
      expect(badSwitch).toContain('The "alarms" param must be "on" or "off", not "no"');
    },
    packageTimeoutMs,
  );

  it(
    'resolves the local stage (alarms off there), whose data resources are deleted with it',
    async () => {
      const definition = await printServiceDefinition(repoRoot, 'local');
      for (const id of [
        'CxoneCredentialsSecret',
        'AssignmentsTable',
        'DispatchDLQ',
        'CampaignsDueDLQ',
        'SchedulerFailuresQueue',
      ]) {
        expect(definition.resources[id]?.DeletionPolicy, id).toBe('Delete');
      }
    },
    packageTimeoutMs,
  );
});
