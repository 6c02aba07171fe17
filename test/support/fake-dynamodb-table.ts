// A single DynamoDB table behind aws-sdk-client-mock's DocumentClient stub, for the handler tests: Get, Put, Update,
// Delete, Query and TransactWrite with the expression forms the adapters in lib/adapters use (SET incl. if_not_exists,
// REMOVE, ADD; attribute_exists / attribute_not_exists, `=`, IN, AND, OR without parentheses; key conditions
// `pk = :v` with an optional `AND begins_with(sk, :p)`; on a sparse index `hash = :v AND range <= :w`). Anything
// else throws, so a test never passes on an expression this fake does not understand.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

export class UnsupportedExpressionError extends Error {
  constructor(expression: string) {
    super(`fake table does not understand: ${expression}`);
    this.name = 'UnsupportedExpressionError';
  }
}

/** JSON round trip, like marshalling with removeUndefinedValues and unmarshalling again. */
/** A deep copy, as DynamoDB would store it: undefined attributes dropped, binary attributes kept binary. */
function copy<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, function binaryOut(this: Record<string, unknown>, key, json) {
      const original = this[key];
      return original instanceof Uint8Array ? { $binary: Buffer.from(original).toString('base64') } : json;
    }),
    (_key, json) =>
      typeof json?.$binary === 'string' ? new Uint8Array(Buffer.from(json.$binary, 'base64')) : json,
  ) as T;
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((part) => part !== '');
}

function attributeName(token: string, names: Names): string {
  if (!token.startsWith('#')) return token;
  const name = names?.[token];
  if (name === undefined) throw new UnsupportedExpressionError(`undefined name ${token}`);
  return name;
}

function placeholderValue(token: string, values: Values): unknown {
  if (!values || !(token in values)) throw new UnsupportedExpressionError(`undefined value ${token}`);
  return values[token];
}

function conditionHolds(item: Item | undefined, expression: string, names: Names, values: Values): boolean {
  return expression.split(/\s+OR\s+/).some((conjunction) => allHold(item, conjunction, names, values));
}

function allHold(item: Item | undefined, expression: string, names: Names, values: Values): boolean {
  return expression.split(/\s+AND\s+/).every((clause) => {
    const text = clause.trim();
    let match = /^attribute_exists\((\S+)\)$/.exec(text);
    if (match?.[1]) return item !== undefined && attributeName(match[1], names) in item;
    match = /^attribute_not_exists\((\S+)\)$/.exec(text);
    if (match?.[1]) return item === undefined || !(attributeName(match[1], names) in item);
    match = /^(\S+)\s+IN\s+\((.+)\)$/.exec(text);
    if (match?.[1] && match[2]) {
      const actual = item?.[attributeName(match[1], names)];
      return splitTopLevel(match[2]).some((token) => placeholderValue(token, values) === actual);
    }
    match = /^(\S+)\s*=\s*(:\S+)$/.exec(text);
    if (match?.[1] && match[2])
      return item?.[attributeName(match[1], names)] === placeholderValue(match[2], values);
    throw new UnsupportedExpressionError(text);
  });
}

function applyUpdate(item: Item, expression: string, names: Names, values: Values): string[] {
  const touched: string[] = [];
  const clauses = expression.split(/\b(SET|REMOVE|ADD)\b/).map((part) => part.trim());
  if (clauses[0] !== '') throw new UnsupportedExpressionError(expression);
  for (let i = 1; i < clauses.length; i += 2) {
    const action = clauses[i];
    for (const part of splitTopLevel(clauses[i + 1] ?? '')) {
      if (action === 'REMOVE') {
        delete item[attributeName(part, names)];
        continue;
      }
      if (action === 'ADD') {
        const match = /^(\S+)\s+(:\S+)$/.exec(part);
        if (!match?.[1] || !match[2]) throw new UnsupportedExpressionError(part);
        const name = attributeName(match[1], names);
        item[name] = Number(item[name] ?? 0) + Number(placeholderValue(match[2], values));
        touched.push(name);
        continue;
      }
      const match = /^(\S+)\s*=\s*(.+)$/.exec(part);
      if (!match?.[1] || !match[2]) throw new UnsupportedExpressionError(part);
      const name = attributeName(match[1], names);
      const source = match[2].trim();
      const ifNotExists = /^if_not_exists\((\S+),\s*(:\S+)\)$/.exec(source);
      if (ifNotExists?.[1] && ifNotExists[2]) {
        const existing = item[attributeName(ifNotExists[1], names)];
        item[name] = existing === undefined ? copy(placeholderValue(ifNotExists[2], values)) : existing;
      } else if (source.startsWith(':')) {
        const value = placeholderValue(source, values);
        if (value === undefined) delete item[name];
        else item[name] = copy(value);
      } else {
        throw new UnsupportedExpressionError(part);
      }
      touched.push(name);
    }
  }
  return touched;
}

export class FakeDynamoTable {
  private readonly items = new Map<string, Item>();

  private static keyOf(key: Record<string, unknown> | undefined): string {
    if (typeof key?.pk !== 'string' || typeof key.sk !== 'string') {
      throw new UnsupportedExpressionError(`key ${JSON.stringify(key)}`);
    }
    return `${key.pk}\u0000${key.sk}`;
  }

  /** Answers the stub's Get/Put/Update/TransactWrite from this table (call after every `stub.reset()`). */
  install(stub: AwsClientStub<DynamoDBDocumentClient>): void {
    stub.on(GetCommand).callsFake(async (input: GetCommandInput) => this.get(input));
    stub.on(PutCommand).callsFake(async (input: PutCommandInput) => this.put(input));
    stub.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => this.update(input));
    stub.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => this.transact(input));
    stub.on(DeleteCommand).callsFake(async (input: DeleteCommandInput) => this.delete(input));
    stub.on(QueryCommand).callsFake(async (input: QueryCommandInput) => this.query(input));
  }

  /** The stored item (a copy), e.g. `item('ASSIGNMENT#a-1', 'A')`. */
  item(pk: string, sk: string): Item | undefined {
    const item = this.items.get(FakeDynamoTable.keyOf({ pk, sk }));
    return item && copy(item);
  }

  seed(item: Item): void {
    this.items.set(FakeDynamoTable.keyOf(item), copy(item));
  }

  private get(input: GetCommandInput) {
    const item = this.items.get(FakeDynamoTable.keyOf(input.Key));
    return { $metadata: {}, ...(item ? { Item: copy(item) } : {}) };
  }

  private put(input: PutCommandInput) {
    if (!this.putAllowed(input)) throw conditionFailed();
    this.seed(input.Item ?? {});
    return { $metadata: {} };
  }

  private delete(input: DeleteCommandInput) {
    if (!this.deleteAllowed(input)) throw conditionFailed();
    this.items.delete(FakeDynamoTable.keyOf(input.Key));
    return { $metadata: {} };
  }

  /** Whether the write's ConditionExpression (if any) holds for the item now stored under `key`. */
  private conditionAllows(
    key: Record<string, unknown> | undefined,
    input: Pick<
      PutCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): boolean {
    if (input.ConditionExpression === undefined) return true;
    return conditionHolds(
      this.items.get(FakeDynamoTable.keyOf(key)),
      input.ConditionExpression,
      input.ExpressionAttributeNames,
      input.ExpressionAttributeValues,
    );
  }

  private deleteAllowed(input: DeleteCommandInput): boolean {
    return this.conditionAllows(input.Key, input);
  }

  /** One partition, sorted by sk (descending with ScanIndexForward false), paged like DynamoDB with Limit. */
  private query(input: QueryCommandInput) {
    if (input.IndexName !== undefined) return this.queryIndex(input);
    const condition = input.KeyConditionExpression ?? '';
    const match = /^pk = (:\w+)(?: AND begins_with\(sk, (:\w+)\))?$/.exec(condition);
    if (!match?.[1] || input.FilterExpression !== undefined) throw new UnsupportedExpressionError(condition);
    const pk = placeholderValue(match[1], input.ExpressionAttributeValues);
    const prefix = match[2] ? String(placeholderValue(match[2], input.ExpressionAttributeValues)) : '';
    const forward = input.ScanIndexForward ?? true;
    let items = [...this.items.values()]
      .filter((item) => item.pk === pk && String(item.sk).startsWith(prefix))
      .sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : String(a.sk) > String(b.sk) ? 1 : 0));
    if (!forward) items.reverse();
    const start = input.ExclusiveStartKey?.sk;
    if (start !== undefined) {
      items = items.filter((item) =>
        forward ? String(item.sk) > String(start) : String(item.sk) < String(start),
      );
    }
    const limit = input.Limit ?? Number.POSITIVE_INFINITY;
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      $metadata: {},
      Items: page.map(copy),
      Count: page.length,
      ...(items.length >= limit && last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
    };
  }

  /**
   * A sparse global secondary index: the items that have both key attributes, `hash = :v AND range <= :w`, sorted
   * by the range key (then the table keys), paged with Limit like DynamoDB.
   */
  private queryIndex(input: QueryCommandInput) {
    const condition = input.KeyConditionExpression ?? '';
    const match = /^(\w+) = (:\w+) AND (\w+) <= (:\w+)$/.exec(condition);
    if (!match || input.FilterExpression !== undefined) throw new UnsupportedExpressionError(condition);
    const [, hash = '', hashValue = '', range = '', rangeValue = ''] = match;
    const wanted = placeholderValue(hashValue, input.ExpressionAttributeValues);
    const until = String(placeholderValue(rangeValue, input.ExpressionAttributeValues));
    const order = (item: Item) => `${String(item[range])}\u0000${String(item.pk)}\u0000${String(item.sk)}`;
    let items = [...this.items.values()]
      .filter((item) => item[hash] === wanted && item[range] !== undefined && String(item[range]) <= until)
      .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    const start = input.ExclusiveStartKey;
    if (start) items = items.filter((item) => order(item) > order(start));
    const limit = input.Limit ?? Number.POSITIVE_INFINITY;
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      $metadata: {},
      Items: page.map(copy),
      Count: page.length,
      ...(items.length > limit && last
        ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk, [hash]: last[hash], [range]: last[range] } }
        : {}),
    };
  }

  private putAllowed(input: PutCommandInput): boolean {
    return this.conditionAllows(input.Item, input);
  }

  private update(input: UpdateCommandInput) {
    if (!this.updateAllowed(input)) throw conditionFailed();
    const touched = this.applyUpdate(input);
    const item = this.items.get(FakeDynamoTable.keyOf(input.Key)) ?? {};
    const attributes =
      input.ReturnValues === 'UPDATED_NEW'
        ? Object.fromEntries(touched.map((name) => [name, item[name]]))
        : undefined;
    return { $metadata: {}, ...(attributes ? { Attributes: copy(attributes) } : {}) };
  }

  private updateAllowed(input: UpdateCommandInput): boolean {
    return this.conditionAllows(input.Key, input);
  }

  /** An update creates the item when it is missing, as DynamoDB does. */
  private applyUpdate(input: UpdateCommandInput): string[] {
    const key = FakeDynamoTable.keyOf(input.Key);
    const item = copy(this.items.get(key) ?? { ...input.Key });
    const touched = applyUpdate(
      item,
      input.UpdateExpression ?? '',
      input.ExpressionAttributeNames,
      input.ExpressionAttributeValues,
    );
    this.items.set(key, item);
    return touched;
  }

  private transact(input: TransactWriteCommandInput) {
    const actions = input.TransactItems ?? [];
    const reasons = actions.map((action) => {
      if (action.Put) return this.putAllowed(action.Put as PutCommandInput);
      if (action.Update) return this.updateAllowed(action.Update as UpdateCommandInput);
      if (action.Delete) return this.deleteAllowed(action.Delete as DeleteCommandInput);
      throw new UnsupportedExpressionError(`transaction action ${Object.keys(action).join(',')}`);
    });
    if (reasons.some((allowed) => !allowed)) {
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: {},
        CancellationReasons: reasons.map((allowed) =>
          allowed
            ? { Code: 'None' }
            : { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        ),
      });
    }
    for (const action of actions) {
      if (action.Put) this.seed(action.Put.Item ?? {});
      if (action.Update) this.applyUpdate(action.Update as UpdateCommandInput);
      if (action.Delete) this.items.delete(FakeDynamoTable.keyOf(action.Delete.Key));
    }
    return { $metadata: {} };
  }
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}
