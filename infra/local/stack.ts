// The whole local stack (docs/local.md), programmatically: moto with the resources of serverless.yml, the CXone
// sandbox, the WFM receiver, the real handlers behind an API Gateway v2 emulation, SQS pollers and the schedule.
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoPolicyStore } from '../../lib/adapters/dynamo-policy-store.ts';
import { SEED_POLICIES_FILE } from '../../lib/adapters/policies-file.ts';
import { importPolicies } from '../../lib/app/policies-import.ts';
import {
  type ApiGateway,
  type GatewayRoute,
  LOCAL_ADMIN_TOKEN,
  LOCAL_API_TOKEN,
  startApiGateway,
} from './api-gateway.ts';
import { SANDBOX_CREDENTIALS, SANDBOX_TENANT_ID, startCxoneSandbox } from './cxone-sandbox/server.ts';
import { describeFunctions, type LocalFunction, type SqsTrigger } from './functions.ts';
import { type LocalLambda, loadHandlers } from './lambda-runtime.ts';
import {
  LOCAL_REGION,
  localAwsEnvironment,
  type MotoServer,
  PROJECT_ROOT,
  startMoto,
  withoutRealAws,
} from './moto.ts';
import { checkImport, prepareCampaignPolicies } from './policies.ts';
import { type AwsClients, createResources, putSecretJson } from './resources.ts';
import { type Scheduler, startScheduler } from './scheduler.ts';
import { printServiceDefinition } from './service-definition.ts';
import { checkRate, type SqsPoller, type SqsPollerStats, startSqsPoller } from './sqs-poller.ts';
import { LOCAL_WFM_WEBHOOK_SECRET, startWfmReceiver } from './wfm-receiver/server.ts';

export class LocalStackError extends Error {
  override name = 'LocalStackError';
}

export const DEFAULT_REBALANCE_INTERVAL_SECONDS = 300;
/** The WFM endpoint name the handlers are configured with locally. */
export const LOCAL_WFM_ENDPOINT_NAME = 'local-wfm';

export interface LocalStackOptions {
  /** API port; 0 (default) = a free port. */
  port?: number;
  cxoneSandboxPort?: number;
  wfmReceiverPort?: number;
  motoPort?: number;
  /**
   * Runs the scheduler every this many seconds instead of at second 0 of each minute (serverless.yml's cron); a
   * test that wants no scheduled runs passes a large value.
   */
  rebalanceIntervalSeconds?: number;
  /** A JSON file of more campaign policies, imported with config/campaign-policies.json. */
  extraPoliciesFile?: string;
  /** Extra environment for every handler (applied last). */
  env?: Record<string, string>;
  /** Bearer token of the local API with `assignments:*`; default `local-dev-token` (local-only). */
  apiToken?: string;
  /** Bearer token of the local API with every scope; default `local-admin-token` (local-only). */
  adminToken?: string;
  /** WFM signing secret (`whsec_…`); default the receiver's local-only secret. */
  wfmWebhookSecret?: string;
  /** Local-only test knob: every queue's VisibilityTimeout, instead of serverless.yml's. */
  queueVisibilityTimeoutSeconds?: number;
  /** Local-only test knob: every function's timeout, instead of serverless.yml's. */
  functionTimeoutSeconds?: number;
  /** Batches in flight per SQS-triggered function (default 1; capped by its maximumConcurrency). */
  sqsConcurrency?: number;
  /**
   * Local-only fault, 0 (default) … 1: the share of handled SQS messages (every queue) that the queue delivers a
   * second time, as after a lost delete; see SqsPollerOptions.duplicateDeliveryRate.
   */
  duplicateDeliveryRate?: number;
  projectRoot?: string;
  log?: (line: string) => void;
}

export interface LocalQueue {
  url: string;
  arn: string;
}

export interface LocalStack {
  apiUrl: string;
  cxoneUrl: string;
  wfmUrl: string;
  motoUrl: string;
  motoPid: number;
  apiToken: string;
  adminToken: string;
  /** Queues by serverless.yml logical id (DispatchQueue, DispatchDLQ, …). */
  queues: Record<string, LocalQueue>;
  functions: LocalFunction[];
  /** Live counters of each SQS event source mapping, by function key (dispatchAssignments, …). */
  sqsStats: Record<string, SqsPollerStats>;
  /** Changes the duplicateDeliveryRate fault of every SQS mapping while running (0 turns it off). */
  setDuplicateDeliveryRate(rate: number): void;
  stop(): Promise<void>;
}

interface Closable {
  name: string;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const log = options.log ?? (() => {});
  const host = '127.0.0.1';
  checkRate('duplicateDeliveryRate', options.duplicateDeliveryRate ?? 0);
  // Stopped in reverse order of starting: schedule and pollers first, moto last.
  const started: Closable[] = [];
  const stopAll = async () => {
    for (const part of started.splice(0).reverse()) {
      try {
        await part.close();
      } catch (error) {
        log(`stopping ${part.name} failed: ${(error as Error).message}`);
      }
    }
  };

  try {
    const moto: MotoServer = await startMoto({ port: options.motoPort, host, projectRoot, log });
    started.push({ name: 'moto', close: () => moto.close() });
    const awsEnv = localAwsEnvironment(moto.url);
    const clientConfig = {
      endpoint: moto.url,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    const clients: AwsClients = {
      sqs: new SQSClient(clientConfig),
      dynamodb: new DynamoDBClient(clientConfig),
      secretsManager: new SecretsManagerClient(clientConfig),
      kms: new KMSClient(clientConfig),
    };
    started.push({
      name: 'AWS clients',
      close: async () => {
        clients.sqs.destroy();
        clients.dynamodb.destroy();
        clients.secretsManager.destroy();
        clients.kms.destroy();
      },
    });

    const definition = await printServiceDefinition(projectRoot, 'local');
    const resources = await createResources(definition, clients, {
      queueVisibilityTimeoutSeconds: options.queueVisibilityTimeoutSeconds,
    });
    log(
      `created ${[...resources.created.keys()].join(', ')} in moto; no local counterpart: ${resources.skipped.join(', ') || 'none'}`,
    );
    const functions = describeFunctions(definition, resources, {
      projectRoot,
      functionTimeoutSeconds: options.functionTimeoutSeconds,
    });

    // The table starts as a first deploy's does: the seed imported, by the code `npm run policies:import` runs.
    const policies = await prepareCampaignPolicies({
      baseFile: resolve(projectRoot, SEED_POLICIES_FILE),
      extraPoliciesFile: options.extraPoliciesFile,
    });
    const tableName = functions.map((fn) => fn.environment.TABLE_NAME).find(Boolean);
    if (!tableName) throw new LocalStackError('no function in serverless.yml declares TABLE_NAME');
    checkImport(
      await importPolicies(new DynamoPolicyStore(clients.dynamodb, tableName), policies.policies, new Date()),
    );

    const sandbox = await startCxoneSandbox({
      port: options.cxoneSandboxPort ?? 0,
      host,
      skills: policies.skills,
    });
    started.push({ name: 'CXone sandbox', close: () => sandbox.close() });
    const wfmSecret = options.wfmWebhookSecret ?? LOCAL_WFM_WEBHOOK_SECRET;
    const receiver = await startWfmReceiver({ port: options.wfmReceiverPort ?? 0, host, secret: wfmSecret });
    started.push({ name: 'WFM receiver', close: () => receiver.close() });

    await seedSecrets(clients, functions, { cxoneUrl: sandbox.url, wfmSecret });

    const lambdas = await loadHandlers(functions, {
      baseEnv: { ...withoutRealAws(process.env), ...awsEnv },
      // Local values of the variables serverless.yml declares (only where a function declares them).
      declaredOverrides: {
        WFM_ENDPOINTS: JSON.stringify([{ name: LOCAL_WFM_ENDPOINT_NAME, url: `${receiver.url}/webhooks` }]),
        // http to loopback receivers only: nothing a local run is given sends a webhook off the machine.
        WFM_ALLOW_PRIVATE_TARGETS: 'loopback',
      },
      env: options.env,
      // One handler instance per concurrent batch, as Lambda gives each concurrent invocation its own environment.
      instances: (fn) => (fn.sqsTriggers.length > 0 ? Math.max(1, options.sqsConcurrency ?? 1) : 1),
      log,
    });

    const apiToken = options.apiToken ?? LOCAL_API_TOKEN;
    const adminToken = options.adminToken ?? LOCAL_ADMIN_TOKEN;
    if (adminToken === apiToken) throw new LocalStackError('API_ADMIN_TOKEN must differ from API_TOKEN');
    const api: ApiGateway = await startApiGateway({
      routes: gatewayRoutes(lambdas),
      port: options.port ?? 0,
      host,
      apiToken,
      adminToken,
      log: (line) => log(`api: ${line}`),
    });
    started.push({ name: 'API', close: () => api.close() });

    const queues: Record<string, LocalQueue> = {};
    for (const [logicalId, resource] of resources.created) {
      if (resource.type === 'AWS::SQS::Queue') {
        queues[logicalId] = { url: resource.ref, arn: resource.attributes.Arn as string };
      }
    }
    const pollers = await startPollers(lambdas, queues, clients.sqs, options, log);
    started.push({
      name: 'SQS pollers',
      close: async () => void (await Promise.all(pollers.map(({ poller }) => poller.stop()))),
    });
    const schedulers = startSchedulers(lambdas, options, log);
    started.push({
      name: 'schedule',
      close: async () => void (await Promise.all(schedulers.map((s) => s.stop()))),
    });

    await waitForHealth(api.url, apiToken);
    return {
      apiUrl: api.url,
      cxoneUrl: sandbox.url,
      wfmUrl: receiver.url,
      motoUrl: moto.url,
      motoPid: moto.pid,
      apiToken,
      adminToken,
      queues,
      functions,
      sqsStats: Object.fromEntries(pollers.map(({ functionKey, poller }) => [functionKey, poller.stats])),
      setDuplicateDeliveryRate: (rate) => {
        checkRate('duplicateDeliveryRate', rate);
        for (const { poller } of pollers) poller.setDuplicateDeliveryRate(rate);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Fills the secrets that the functions' CXONE_SECRET_ID and WFM_SECRET_ID name with the local values. */
async function seedSecrets(
  clients: AwsClients,
  functions: LocalFunction[],
  local: { cxoneUrl: string; wfmSecret: string },
): Promise<void> {
  const secretIdOf = (name: string) => {
    const id = functions.map((fn) => fn.environment[name]).find(Boolean);
    if (!id) throw new LocalStackError(`no function in serverless.yml declares ${name}`);
    return id;
  };
  await putSecretJson(clients.secretsManager, secretIdOf('CXONE_SECRET_ID'), {
    ...SANDBOX_CREDENTIALS,
    issuer: local.cxoneUrl,
    tenantId: SANDBOX_TENANT_ID,
  });
  await putSecretJson(clients.secretsManager, secretIdOf('WFM_SECRET_ID'), { current: local.wfmSecret });
}

function gatewayRoutes(lambdas: LocalLambda[]): GatewayRoute[] {
  return lambdas.flatMap((lambda) =>
    lambda.fn.httpRoutes.map((route) => ({
      route,
      functionName: lambda.fn.key,
      invoke: (event) => lambda.invoke(event),
    })),
  );
}

/** Checks every mapping the way Lambda's CreateEventSourceMapping would, then starts one poller per mapping. */
async function startPollers(
  lambdas: LocalLambda[],
  queues: Record<string, LocalQueue>,
  sqs: SQSClient,
  options: LocalStackOptions,
  log: (line: string) => void,
): Promise<{ functionKey: string; poller: SqsPoller }[]> {
  const mappings: { lambda: LocalLambda; trigger: SqsTrigger; queue: LocalQueue }[] = [];
  for (const lambda of lambdas) {
    for (const trigger of lambda.fn.sqsTriggers) {
      const queue = Object.values(queues).find((q) => q.arn === trigger.queueArn);
      if (!queue) throw new LocalStackError(`${lambda.fn.key}: no local queue ${trigger.queueArn}`);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['VisibilityTimeout'] }),
      );
      const visibility = Number(Attributes?.VisibilityTimeout ?? 30);
      if (lambda.fn.timeoutSeconds > visibility) {
        throw new LocalStackError(
          `${lambda.fn.key}: queue visibility timeout ${visibility}s is less than the function timeout ${lambda.fn.timeoutSeconds}s`,
        );
      }
      if (queue.arn.endsWith('.fifo') && trigger.batchSize > 10) {
        throw new LocalStackError(`${lambda.fn.key}: batchSize ${trigger.batchSize} > 10 on a FIFO queue`);
      }
      mappings.push({ lambda, trigger, queue });
    }
  }
  return mappings.map(({ lambda, trigger, queue }) => ({
    functionKey: lambda.fn.key,
    poller: startSqsPoller({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: LOCAL_REGION,
      functionName: lambda.fn.key,
      batchSize: trigger.batchSize,
      reportBatchItemFailures: trigger.reportBatchItemFailures,
      concurrency: Math.min(
        options.sqsConcurrency ?? 1,
        trigger.maximumConcurrency ?? Number.POSITIVE_INFINITY,
      ),
      ...(options.duplicateDeliveryRate === undefined
        ? {}
        : { duplicateDeliveryRate: options.duplicateDeliveryRate }),
      invoke: (event) => lambda.invoke(event),
      log: (line) => log(`sqs: ${line}`),
    }),
  }));
}

function startSchedulers(
  lambdas: LocalLambda[],
  options: LocalStackOptions,
  log: (line: string) => void,
): Scheduler[] {
  return lambdas.flatMap((lambda) =>
    lambda.fn.schedules.map((schedule, index) =>
      startScheduler({
        intervalSeconds:
          options.rebalanceIntervalSeconds ?? schedule.rateSeconds ?? DEFAULT_REBALANCE_INTERVAL_SECONDS,
        everyMinute: options.rebalanceIntervalSeconds === undefined && schedule.everyMinute,
        ruleName: `${lambda.fn.name}-schedule-${index + 1}`,
        input: schedule.input,
        invoke: (event) => lambda.invoke(event),
        log: (line) => log(`schedule: ${line}`),
      }),
    ),
  );
}

async function waitForHealth(apiUrl: string, apiToken: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${apiUrl}/health`, { headers: { authorization: `Bearer ${apiToken}` } });
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new LocalStackError(`GET /health did not turn green within ${timeoutMs / 1000}s (last: ${last})`);
}
