// The API-created webhook endpoints and their delivery attempts in the single table (docs/architecture.md):
//   endpoint  pk WEBHOOK_ENDPOINTS                 sk ENDPOINT#<id>                    (one partition: list in id order)
//   attempt   pk WEBHOOK_DELIVERIES#<endpointId>  sk <at>#<eventId>#<attempt>         (newest first; TTL expiresAt)
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type DeliveryAttempt,
  DeliveryAttemptSchema,
  type DisabledReason,
  type EndpointRecord,
  EndpointRecordSchema,
  type EndpointSubscription,
} from '../app/webhook-model.ts';
import {
  type DeliveryLog,
  type EndpointChanges,
  type EndpointStore,
  InvalidCursorError,
  type Page,
  type PageRequest,
} from '../app/webhook-ports.ts';

export const ENDPOINTS_PK = 'WEBHOOK_ENDPOINTS';
export const DELIVERIES_PK_PREFIX = 'WEBHOOK_DELIVERIES#';
const endpointKey = (id: string) => ({ pk: ENDPOINTS_PK, sk: `ENDPOINT#${id}` });

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = item;
  return rest;
}

/** LastEvaluatedKey ⇄ opaque cursor; a cursor of another partition (or of nothing) is refused. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key === undefined ? undefined : Buffer.from(JSON.stringify([key.pk, key.sk])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, pk: string): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value[0] === pk && typeof value[1] === 'string') {
      return { pk, sk: value[1] };
    }
  } catch {
    // Falls through to the refusal.
  }
  throw new InvalidCursorError();
}

async function queryPage(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput & { ExpressionAttributeValues: { ':pk': string } },
  page: PageRequest,
): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> {
  const out = await doc.send(
    new QueryCommand({
      ...input,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, input.ExpressionAttributeValues[':pk']),
    }),
  );
  const nextCursor = encodeCursor(out.LastEvaluatedKey);
  return { items: out.Items ?? [], ...(nextCursor === undefined ? {} : { nextCursor }) };
}

export class DynamoEndpointStore implements EndpointStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.doc = documentClient(client);
    this.tableName = tableName;
  }

  async create(record: EndpointRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...endpointKey(record.id), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<EndpointRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: endpointKey(id), ConsistentRead: true }),
    );
    return out.Item ? EndpointRecordSchema.parse(withoutKeys(out.Item)) : undefined;
  }

  async list(page: PageRequest): Promise<Page<EndpointRecord>> {
    const { items, nextCursor } = await queryPage(
      this.doc,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ENDPOINTS_PK },
      },
      page,
    );
    return {
      items: items.map((item) => EndpointRecordSchema.parse(withoutKeys(item))),
      ...(nextCursor === undefined ? {} : { nextCursor }),
    };
  }

  async subscriptions(): Promise<EndpointSubscription[]> {
    const found: EndpointSubscription[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': ENDPOINTS_PK },
          // The sealed secrets are not read for fan-out; a just-disabled endpoint must not get new events.
          ConsistentRead: true,
          ProjectionExpression: '#id, #enabled, #eventTypes',
          ExpressionAttributeNames: { '#id': 'id', '#enabled': 'enabled', '#eventTypes': 'eventTypes' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        found.push({ id: item.id, enabled: item.enabled === true, eventTypes: item.eventTypes ?? [] });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async update(id: string, changes: EndpointChanges): Promise<EndpointRecord | undefined> {
    const set: string[] = [];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    Object.entries(changes).forEach(([field, value], index) => {
      if (value === undefined) return;
      names[`#f${index}`] = field;
      if (value === null) remove.push(`#f${index}`);
      else {
        set.push(`#f${index} = :v${index}`);
        values[`:v${index}`] = value;
      }
    });
    const expression = [
      set.length > 0 ? `SET ${set.join(', ')}` : '',
      remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
    ].join(' ');
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(id),
          UpdateExpression: expression.trim(),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? EndpointRecordSchema.parse(withoutKeys(out.Attributes)) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const out = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: endpointKey(id), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }

  async markFailing(id: string, since: string): Promise<void> {
    await this.conditionalUpdate(id, 'SET failingSince = if_not_exists(failingSince, :since)', {
      ':since': since,
    });
  }

  async clearFailing(id: string): Promise<void> {
    await this.conditionalUpdate(id, 'REMOVE failingSince');
  }

  async disable(id: string, reason: DisabledReason, at: string): Promise<boolean> {
    return this.conditionalUpdate(
      id,
      'SET enabled = :off, disabledReason = :reason, disabledAt = :at, updatedAt = :at',
      { ':off': false, ':on': true, ':reason': reason, ':at': at },
      'enabled = :on',
    );
  }

  /** An update of an existing endpoint (and `condition`); false when the condition failed. */
  private async conditionalUpdate(
    id: string,
    expression: string,
    values?: Record<string, unknown>,
    condition?: string,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(id),
          UpdateExpression: expression,
          ConditionExpression: condition ? `attribute_exists(pk) AND ${condition}` : 'attribute_exists(pk)',
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

export class DynamoDeliveryLog implements DeliveryLog {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionSeconds: number;

  constructor(client: DynamoDBClient, tableName: string, retentionDays: number) {
    this.doc = documentClient(client);
    this.tableName = tableName;
    this.retentionSeconds = retentionDays * 86_400;
  }

  async record(endpointId: string, attempt: DeliveryAttempt): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `${DELIVERIES_PK_PREFIX}${endpointId}`,
          sk: `${attempt.at}#${attempt.eventId}#${String(attempt.attempt).padStart(3, '0')}`,
          ...attempt,
          expiresAt: Math.floor(Date.parse(attempt.at) / 1000) + this.retentionSeconds,
        },
      }),
    );
  }

  async list(endpointId: string, page: PageRequest): Promise<Page<DeliveryAttempt>> {
    const { items, nextCursor } = await queryPage(
      this.doc,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `${DELIVERIES_PK_PREFIX}${endpointId}` },
        ScanIndexForward: false,
      },
      page,
    );
    return {
      items: items.map((item) => DeliveryAttemptSchema.parse(withoutKeys(item))),
      ...(nextCursor === undefined ? {} : { nextCursor }),
    };
  }
}
