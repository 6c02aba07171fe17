// Handlers parse their environment and build their clients at import: each test sets the environment, forgets the
// loaded modules and imports the handler again (a cold start). SDK clients are mocked with aws-sdk-client-mock.
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { vi } from 'vitest';

export const TABLE_NAME = 'assignments-test';
export const DISPATCH_QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/cxone-assignments-dispatch.fifo';
export const WFM_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/cxone-assignments-wfm-events';

/**
 * Region for the SDK, no endpoint override, and Powertools as in Lambda but at DEBUG: every log line and EMF metric a
 * handler writes is produced, scanned for secrets (test/support/security) and kept off the terminal unless the test
 * fails (test/support/log-capture.ts).
 */
const HANDLER_TEST_ENV: Record<string, string | undefined> = {
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: undefined,
  POWERTOOLS_DEV: undefined,
  POWERTOOLS_LOG_LEVEL: 'DEBUG',
  POWERTOOLS_METRICS_DISABLED: undefined,
};

/** Sets the environment (undefined unsets a variable) and resets the module registry for the next import(). */
export function coldStart(env: Record<string, string | undefined>): void {
  vi.unstubAllEnvs();
  vi.resetModules();
  for (const [name, value] of Object.entries({ ...HANDLER_TEST_ENV, ...env })) vi.stubEnv(name, value);
}

type StructuredResult = Exclude<APIGatewayProxyResultV2, string>;

/** Status, lower-cased headers and the parsed JSON body of an HTTP handler's answer. */
export function httpResult(result: unknown) {
  const response = result as StructuredResult;
  const headers = Object.fromEntries(
    Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for reading JSON bodies
  const body: any =
    response.body === undefined || response.body === '' ? undefined : JSON.parse(response.body);
  return { statusCode: response.statusCode, headers, body };
}
