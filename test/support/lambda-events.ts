// Lambda inputs as AWS delivers them: API Gateway HTTP API (payload v2) events, SQS events and a context.
import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';

export interface HttpRequest {
  method: string;
  /** The route, e.g. `PUT /campaigns/{campaignId}/agents`; default `${method} ${path}`. */
  routeKey?: string;
  path: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** Header names are lower-cased, as HTTP APIs deliver them. */
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

export function httpEvent(request: HttpRequest): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries({ host: 'api.example.com', ...request.headers }).map(([name, value]) => [
      name.toLowerCase(),
      value,
    ]),
  );
  const rawQueryString = new URLSearchParams(request.query ?? {}).toString();
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: request.routeKey ?? `${request.method} ${request.path}`,
    rawPath: request.path,
    rawQueryString,
    headers,
    ...(request.query ? { queryStringParameters: request.query } : {}),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: `req-${now}`,
      routeKey: request.routeKey ?? `${request.method} ${request.path}`,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

export interface SqsMessage {
  messageId: string;
  body: string;
  /** FIFO queues only. */
  groupId?: string;
  receiveCount?: number;
  sentAt?: number;
  receiptHandle?: string;
  queueArn?: string;
}

export function sqsRecord(message: SqsMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle ?? `receipt-${message.messageId}-${message.receiveCount ?? 1}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount ?? 1),
      SentTimestamp: String(message.sentAt ?? Date.now()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      ...(message.groupId === undefined
        ? {}
        : {
            MessageGroupId: message.groupId,
            MessageDeduplicationId: message.messageId,
            SequenceNumber: '1',
          }),
    },
    messageAttributes: {},
    md5OfBody: 'ignored',
    eventSource: 'aws:sqs',
    eventSourceARN: message.queueArn ?? 'arn:aws:sqs:us-east-1:123456789012:queue',
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(...messages: SqsMessage[]): SQSEvent {
  return { Records: messages.map(sqsRecord) };
}

/** A Lambda context whose remaining time stays at `remainingMs`. */
export function lambdaContext(remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'cxone-assignments-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:cxone-assignments-test',
    memoryLimitInMB: '512',
    awsRequestId: `request-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/cxone-assignments-test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
