import { describe, expect, it } from 'vitest';
import {
  CircularDependencyError,
  type CreatedResource,
  dependencyOrder,
  referencedLogicalIds,
  resolveIntrinsics,
  UnresolvableReferenceError,
  UnsupportedIntrinsicError,
} from '../../../infra/local/cloudformation.ts';
import { describeFunctions, isEveryMinute, rateSeconds } from '../../../infra/local/functions.ts';
import { queueAttributesOf } from '../../../infra/local/resources.ts';
import { parseServiceDefinition } from '../../../infra/local/service-definition.ts';

const queue: CreatedResource = {
  logicalId: 'Jobs',
  type: 'AWS::SQS::Queue',
  ref: 'http://127.0.0.1:5000/123456789012/jobs.fifo',
  attributes: { Arn: 'arn:aws:sqs:us-east-1:123456789012:jobs.fifo', QueueName: 'jobs.fifo' },
};
const context = { created: new Map([['Jobs', queue]]), stackName: 'svc-local' };

describe('resolveIntrinsics', () => {
  it('resolves Ref, both Fn::GetAtt forms, Fn::Join, Fn::Sub and pseudo parameters', () => {
    expect(
      resolveIntrinsics(
        {
          url: { Ref: 'Jobs' },
          arn: { 'Fn::GetAtt': ['Jobs', 'Arn'] },
          name: { 'Fn::GetAtt': 'Jobs.QueueName' },
          joined: { 'Fn::Join': ['/', [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }]] },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
          sub: { 'Fn::Sub': '${AWS::StackName}:${Jobs.QueueName}:${Jobs}:${!Literal}' },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
          subVars: { 'Fn::Sub': ['${x}-${Jobs.Arn}', { x: { Ref: 'AWS::Partition' } }] },
          plain: [1, 'two', { three: true }],
        },
        context,
      ),
    ).toEqual({
      url: queue.ref,
      arn: queue.attributes.Arn,
      name: 'jobs.fifo',
      joined: 'us-east-1/123456789012',
      sub: `svc-local:jobs.fifo:${queue.ref}:\${Literal}`,
      subVars: `aws-${queue.attributes.Arn}`,
      plain: [1, 'two', { three: true }],
    });
  });

  it('names what it cannot resolve', () => {
    expect(() => resolveIntrinsics({ Ref: 'Missing' }, context)).toThrow(UnresolvableReferenceError);
    expect(() => resolveIntrinsics({ 'Fn::GetAtt': ['Jobs', 'Nope'] }, context)).toThrow(/Jobs\.Nope/);
    expect(() => resolveIntrinsics({ 'Fn::ImportValue': 'x' }, context)).toThrow(UnsupportedIntrinsicError);
  });
});

describe('dependencyOrder', () => {
  const resources: Record<string, unknown> = {
    Main: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
    Dlq: {},
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
    Other: { x: { 'Fn::Sub': '${Main.Arn}' } },
  };

  it('puts referenced resources first', () => {
    const order = dependencyOrder(Object.keys(resources), (id) => referencedLogicalIds(resources[id]));
    expect(order.indexOf('Dlq')).toBeLessThan(order.indexOf('Main'));
    expect(order.indexOf('Main')).toBeLessThan(order.indexOf('Other'));
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = { A: { Ref: 'B' }, B: { Ref: 'A' } };
    expect(() => dependencyOrder(['A', 'B'], (id) => referencedLogicalIds(cyclic[id]))).toThrow(
      CircularDependencyError,
    );
  });
});

describe('queueAttributesOf', () => {
  it('maps CloudFormation properties to SQS attributes, FIFO ones only on FIFO queues', () => {
    expect(
      queueAttributesOf({
        QueueName: 'q.fifo',
        FifoQueue: true,
        ContentBasedDeduplication: false,
        VisibilityTimeout: 360,
        RedrivePolicy: { deadLetterTargetArn: 'arn:dlq', maxReceiveCount: '5' },
      }),
    ).toEqual({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      VisibilityTimeout: '360',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:dlq', maxReceiveCount: 5 }),
    });
    expect(queueAttributesOf({ ContentBasedDeduplication: false, VisibilityTimeout: 30 })).toEqual({
      VisibilityTimeout: '30',
    });
  });

  it('applies the local visibility timeout override', () => {
    expect(queueAttributesOf({ VisibilityTimeout: 360 }, { queueVisibilityTimeoutSeconds: 4 })).toEqual({
      VisibilityTimeout: '4',
    });
  });
});

describe('describeFunctions', () => {
  const definition = parseServiceDefinition(
    {
      service: 'svc',
      provider: { timeout: 10, environment: { SHARED: 'yes', QUEUE: { Ref: 'Jobs' } } },
      functions: {
        api: {
          handler: 'infra/local/stack.startLocalStack',
          environment: { LIMIT: 5 },
          events: [
            { httpApi: { method: 'get', path: '/things/{id}', authorizer: { type: 'aws_iam' } } },
            { httpApi: 'POST /open' },
          ],
        },
        worker: {
          handler: 'infra/local/stack.startLocalStack',
          timeout: 60,
          events: [
            {
              sqs: {
                arn: { 'Fn::GetAtt': ['Jobs', 'Arn'] },
                batchSize: 5,
                functionResponseType: 'ReportBatchItemFailures',
                maximumConcurrency: 3,
              },
            },
            { schedule: { rate: ['rate(5 minutes)', 'cron(0 12 * * ? *)'], input: '{"a":1}' } },
          ],
        },
      },
      resources: [{ Resources: { Jobs: { Type: 'AWS::SQS::Queue' } } }],
    },
    'local',
  );
  const [api, worker] = describeFunctions(
    definition,
    { created: context.created, skipped: [], stackName: 'svc-local' },
    { projectRoot: `${import.meta.dirname}/../../..` },
  );

  it('merges and resolves the environment and applies timeouts', () => {
    expect(api?.environment).toEqual({ SHARED: 'yes', QUEUE: queue.ref, LIMIT: '5' });
    expect(api?.timeoutSeconds).toBe(10);
    expect(worker?.timeoutSeconds).toBe(60);
    expect(api?.name).toBe('svc-local-api');
    expect(api?.handlerFile).toMatch(/infra\/local\/stack\.ts$/);
    expect(api?.exportName).toBe('startLocalStack');
  });

  it('derives routes, event source mappings and schedules', () => {
    expect(api?.httpRoutes).toEqual([
      {
        method: 'GET',
        path: '/things/{id}',
        routeKey: 'GET /things/{id}',
        authorized: true,
        authorizer: { kind: 'iam', scopes: [] },
      },
      { method: 'POST', path: '/open', routeKey: 'POST /open', authorized: false },
    ]);
    expect(worker?.sqsTriggers).toEqual([
      { queueArn: queue.attributes.Arn, batchSize: 5, reportBatchItemFailures: true, maximumConcurrency: 3 },
    ]);
    expect(worker?.schedules).toEqual([
      { expression: 'rate(5 minutes)', rateSeconds: 300, everyMinute: false, input: { a: 1 } },
      { expression: 'cron(0 12 * * ? *)', rateSeconds: undefined, everyMinute: false, input: { a: 1 } },
    ]);
  });
});

describe('rateSeconds', () => {
  it('reads EventBridge rate expressions', () => {
    expect(rateSeconds('rate(1 minute)')).toBe(60);
    expect(rateSeconds('rate(2 hours)')).toBe(7200);
    expect(rateSeconds('rate(1 day)')).toBe(86_400);
    expect(rateSeconds('cron(0 12 * * ? *)')).toBeUndefined();
  });

  it('knows the every-minute cron rule the scheduler runs on', () => {
    expect(isEveryMinute('cron(* * * * ? *)')).toBe(true);
    expect(isEveryMinute('cron(0 12 * * ? *)')).toBe(false);
    expect(isEveryMinute('rate(1 minute)')).toBe(false);
  });
});
