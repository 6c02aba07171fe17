import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FloorError, floorSource, importedSdkClients, sdkClientsOf } from '../../../bench/floor.ts';

describe('the floor bundle of §2', () => {
  it('takes the SDK clients a handler constructs, how often and with which arguments', () => {
    const source = [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';",
      "import type { KMSClient } from '@aws-sdk/client-kms';",
      'const a = new DynamoDBClient({});',
      'const store = wrap(new DynamoDBClient({}), env.TABLE_NAME);',
      'const sqs = new SQSClient({});',
    ].join('\n');
    expect(sdkClientsOf(source)).toEqual([
      { name: 'DynamoDBClient', pkg: '@aws-sdk/client-dynamodb', args: '{}', count: 2 },
      { name: 'SQSClient', pkg: '@aws-sdk/client-sqs', args: '{}', count: 1 },
    ]);
  });

  it('reads a real handler: get-assignment constructs one DynamoDB client', () => {
    const source = readFileSync(new URL('../../../functions/get-assignment.ts', import.meta.url), 'utf8');
    expect(sdkClientsOf(source).map(({ name, count }) => [name, count])).toEqual([['DynamoDBClient', 1]]);
  });

  it('refuses a construction it cannot copy rather than guessing', () => {
    const source = [
      "import { SQSClient } from '@aws-sdk/client-sqs';",
      'const sqs = new SQSClient({ endpoint: endpointOf(env) });',
    ].join('\n');
    expect(() => sdkClientsOf(source)).toThrow(FloorError);
  });

  it('builds Logger, middy and the same clients, constructed the same way, at module scope', () => {
    const source = floorSource([{ name: 'SQSClient', pkg: '@aws-sdk/client-sqs', args: '{}', count: 2 }]);
    expect(source).toContain("import { SQSClient } from '@aws-sdk/client-sqs';");
    expect(source.match(/new SQSClient\(\{\}\)/g)).toHaveLength(2);
    expect(source).toContain("from '@aws-lambda-powertools/logger'");
    expect(source).toMatch(
      /export const handler = middy\(async \(\) => \(\{\}\)\)\.use\(injectLambdaContext\(logger/,
    );
  });
});

describe('importedSdkClients', () => {
  it('finds the Secrets Manager client the dispatcher builds at first use in an adapter, not the ones it builds itself', async () => {
    const own = sdkClientsOf(await readFile('functions/dispatch-assignments.ts', 'utf8'));
    const imported = await importedSdkClients('functions/dispatch-assignments.ts', own);
    expect(imported).toEqual([
      { name: 'SecretsManagerClient', pkg: '@aws-sdk/client-secrets-manager', args: '{}', count: 0 },
    ]);
  });

  it('finds none for a handler whose imports build no client', async () => {
    const own = sdkClientsOf(await readFile('functions/get-assignment.ts', 'utf8'));
    expect(await importedSdkClients('functions/get-assignment.ts', own)).toEqual([]);
  });

  it('imports a client built at first use without constructing it', () => {
    const source = floorSource([
      { name: 'SecretsManagerClient', pkg: '@aws-sdk/client-secrets-manager', args: '{}', count: 0 },
    ]);
    expect(source).toContain("import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';");
    expect(source).toContain('export const builtAtFirstUse = [SecretsManagerClient];');
    expect(source).not.toContain('new SecretsManagerClient(');
  });
});
