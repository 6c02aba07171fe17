// Creates in moto the queues, tables, secrets and KMS keys that serverless.yml declares, from the printed definition, in
// dependency order (a DLQ before the queue whose RedrivePolicy names it). Other resource types (alarms, dashboard,
// SNS, IAM) have no local meaning and are skipped.
import { CreateTableCommand, type DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  type CreatedResource,
  dependencyOrder,
  referencedLogicalIds,
  resolveIntrinsics,
  UnresolvableReferenceError,
} from './cloudformation.ts';
import type { CloudFormationResource, ServiceDefinition } from './service-definition.ts';

export const SUPPORTED_RESOURCE_TYPES = [
  'AWS::SQS::Queue',
  'AWS::DynamoDB::Table',
  'AWS::SecretsManager::Secret',
  'AWS::KMS::Key',
] as const;

export interface AwsClients {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  secretsManager: SecretsManagerClient;
  kms: KMSClient;
}

export interface CreateResourcesOptions {
  /** Local-only: replaces every queue's VisibilityTimeout (quick retries in tests). */
  queueVisibilityTimeoutSeconds?: number;
}

export interface LocalResources {
  created: Map<string, CreatedResource>;
  /** Logical ids of declared resources with no local counterpart. */
  skipped: string[];
  stackName: string;
}

export function stackNameOf(definition: ServiceDefinition): string {
  return `${definition.service}-${definition.stage}`;
}

export async function createResources(
  definition: ServiceDefinition,
  clients: AwsClients,
  options: CreateResourcesOptions = {},
): Promise<LocalResources> {
  const stackName = stackNameOf(definition);
  const supported = (resource: CloudFormationResource) =>
    (SUPPORTED_RESOURCE_TYPES as readonly string[]).includes(resource.Type);
  const all = Object.entries(definition.resources);
  const ids = all.filter(([, resource]) => supported(resource)).map(([id]) => id);
  const skipped = all.filter(([, resource]) => !supported(resource)).map(([id]) => id);
  const created = new Map<string, CreatedResource>();
  const order = dependencyOrder(ids, (id) => referencedLogicalIds(definition.resources[id]?.Properties));

  for (const logicalId of order) {
    const resource = definition.resources[logicalId] as CloudFormationResource;
    for (const dependency of referencedLogicalIds(resource.Properties)) {
      if (!created.has(dependency)) {
        throw new UnresolvableReferenceError(
          `${logicalId} references ${dependency}, which has no local counterpart (${definition.resources[dependency]?.Type ?? 'undeclared'})`,
        );
      }
    }
    const properties = resolveIntrinsics(resource.Properties ?? {}, { created, stackName }) as Record<
      string,
      unknown
    >;
    const context = { logicalId, stackName, properties };
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        created.set(logicalId, await createQueue(clients.sqs, context, options));
        break;
      case 'AWS::DynamoDB::Table':
        created.set(logicalId, await createTable(clients.dynamodb, context));
        break;
      case 'AWS::SecretsManager::Secret':
        created.set(logicalId, await createSecret(clients.secretsManager, context));
        break;
      case 'AWS::KMS::Key':
        created.set(logicalId, await createKey(clients.kms, context));
        break;
    }
  }
  return { created, skipped, stackName };
}

interface CreateContext {
  logicalId: string;
  stackName: string;
  properties: Record<string, unknown>;
}

const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
] as const;
const FIFO_ATTRIBUTES = ['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'] as const;

/** CloudFormation's SQS properties as SQS CreateQueue attributes (strings; policies as JSON). */
export function queueAttributesOf(
  properties: Record<string, unknown>,
  options: CreateResourcesOptions = {},
): Record<string, string> {
  const attributes: Record<string, string> = {};
  const fifo = String(properties.FifoQueue) === 'true';
  for (const name of [...QUEUE_ATTRIBUTES, ...(fifo ? FIFO_ATTRIBUTES : [])]) {
    if (properties[name] !== undefined) attributes[name] = String(properties[name]);
  }
  if (fifo) attributes.FifoQueue = 'true';
  if (options.queueVisibilityTimeoutSeconds !== undefined) {
    attributes.VisibilityTimeout = String(options.queueVisibilityTimeoutSeconds);
  }
  const redrive = properties.RedrivePolicy as Record<string, unknown> | undefined;
  if (redrive) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: redrive.deadLetterTargetArn,
      maxReceiveCount: Number(redrive.maxReceiveCount),
    });
  }
  if (properties.RedriveAllowPolicy)
    attributes.RedriveAllowPolicy = JSON.stringify(properties.RedriveAllowPolicy);
  return attributes;
}

async function createQueue(
  sqs: SQSClient,
  { logicalId, stackName, properties }: CreateContext,
  options: CreateResourcesOptions,
): Promise<CreatedResource> {
  const attributes = queueAttributesOf(properties, options);
  const queueName =
    (properties.QueueName as string | undefined) ??
    `${stackName}-${logicalId}${attributes.FifoQueue === 'true' ? '.fifo' : ''}`;
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const url = QueueUrl as string;
  const arn = Attributes?.QueueArn as string;
  return {
    logicalId,
    type: 'AWS::SQS::Queue',
    ref: url,
    attributes: { Arn: arn, QueueName: queueName, QueueUrl: url },
  };
}

async function createTable(
  dynamodb: DynamoDBClient,
  { logicalId, stackName, properties }: CreateContext,
): Promise<CreatedResource> {
  const tableName = (properties.TableName as string | undefined) ?? `${stackName}-${logicalId}`;
  const stream = properties.StreamSpecification as { StreamViewType?: string } | undefined;
  const { TableDescription } = await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: properties.AttributeDefinitions as never,
      KeySchema: properties.KeySchema as never,
      BillingMode: (properties.BillingMode as never) ?? 'PROVISIONED',
      ProvisionedThroughput: numericThroughput(properties.ProvisionedThroughput),
      GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes as never,
      LocalSecondaryIndexes: properties.LocalSecondaryIndexes as never,
      StreamSpecification: stream?.StreamViewType
        ? { StreamEnabled: true, StreamViewType: stream.StreamViewType as never }
        : undefined,
    }),
  );
  const ttl = properties.TimeToLiveSpecification as { AttributeName?: string; Enabled?: unknown } | undefined;
  if (ttl?.AttributeName && String(ttl.Enabled) === 'true') {
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
  const attributes: Record<string, string> = { Arn: TableDescription?.TableArn as string };
  if (TableDescription?.LatestStreamArn) attributes.StreamArn = TableDescription.LatestStreamArn;
  return { logicalId, type: 'AWS::DynamoDB::Table', ref: tableName, attributes };
}

function numericThroughput(value: unknown) {
  if (!value || typeof value !== 'object') return undefined;
  const { ReadCapacityUnits, WriteCapacityUnits } = value as Record<string, unknown>;
  return { ReadCapacityUnits: Number(ReadCapacityUnits), WriteCapacityUnits: Number(WriteCapacityUnits) };
}

async function createSecret(
  secretsManager: SecretsManagerClient,
  { logicalId, stackName, properties }: CreateContext,
): Promise<CreatedResource> {
  const name = (properties.Name as string | undefined) ?? `${stackName}-${logicalId}`;
  // Like the deployed template: a secret without SecretString is created empty and filled in afterwards.
  const { ARN } = await secretsManager.send(
    new CreateSecretCommand({
      Name: name,
      Description: properties.Description as string | undefined,
      SecretString: properties.SecretString as string | undefined,
    }),
  );
  const arn = ARN as string;
  return { logicalId, type: 'AWS::SecretsManager::Secret', ref: arn, attributes: { Id: arn } };
}

/** A symmetric key like the template's (moto keeps moto's own default key policy). */
async function createKey(kms: KMSClient, { logicalId, properties }: CreateContext): Promise<CreatedResource> {
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({
      Description: properties.Description as string | undefined,
      KeySpec: (properties.KeySpec as never) ?? 'SYMMETRIC_DEFAULT',
      KeyUsage: (properties.KeyUsage as never) ?? 'ENCRYPT_DECRYPT',
    }),
  );
  const keyId = KeyMetadata?.KeyId as string;
  return {
    logicalId,
    type: 'AWS::KMS::Key',
    ref: keyId,
    attributes: { Arn: KeyMetadata?.Arn as string, KeyId: keyId },
  };
}

/** Puts a JSON value into a secret (by name or ARN). */
export async function putSecretJson(
  secretsManager: SecretsManagerClient,
  secretId: string,
  value: unknown,
): Promise<void> {
  await secretsManager.send(
    new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }),
  );
}
