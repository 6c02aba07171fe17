import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { problemOf } from './problem.ts';
import { HttpProblemError, type HttpResponse, problemResponse } from './responses.ts';

type HttpMiddleware = MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>;

interface ErrorLogger {
  error(message: string, ...extra: unknown[]): void;
}

/** Renders HttpProblemError as its problem+json, anything else as a 500 that reveals nothing internal. */
export function problemErrors(logger: ErrorLogger): HttpMiddleware {
  return {
    name: 'problemErrors',
    onError: (request) => {
      const error = request.error;
      if (error instanceof HttpProblemError) {
        request.response = problemResponse(error.problem);
        return;
      }
      logger.error('unhandled error', { error });
      request.response = problemResponse(
        problemOf('internal', 'The request could not be processed; it is safe to retry.'),
      );
    },
  };
}

function headerValue(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name] ?? undefined;
}

function bodyBytes(event: APIGatewayProxyEventV2): number {
  if (event.body === undefined) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').byteLength : Buffer.byteLength(event.body);
}

/** 413 when the body is over `maxBytes`; checked before anything parses it. */
export function bodyLimit(maxBytes: number): HttpMiddleware {
  return {
    name: 'bodyLimit',
    before: ({ event }) => {
      const size = bodyBytes(event);
      if (size > maxBytes) {
        throw new HttpProblemError(
          problemOf('payload-too-large', `The body is ${size} bytes; the limit is ${maxBytes} bytes.`),
        );
      }
    },
  };
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** 415 unless the body is declared as JSON (`application/json` or `application/*+json`). */
export function requireJsonContentType(): HttpMiddleware {
  return {
    name: 'requireJsonContentType',
    before: ({ event }) => {
      const contentType = headerValue(event, 'content-type') ?? '';
      if (!JSON_MEDIA_TYPE.test(contentType.trim())) {
        throw new HttpProblemError(
          problemOf(
            'unsupported-media-type',
            contentType
              ? `Content-Type '${contentType.slice(0, 100)}' is not JSON.`
              : 'Content-Type is missing; send application/json.',
          ),
        );
      }
    },
  };
}

/** Parses the JSON body into `event.parsedBody`; 400 with the parser's position on malformed JSON. */
export function parseJsonBody(): MiddlewareObj<
  APIGatewayProxyEventV2 & { parsedBody?: unknown },
  HttpResponse
> {
  return {
    name: 'parseJsonBody',
    before: ({ event }) => {
      const raw = event.isBase64Encoded
        ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
        : (event.body ?? '');
      try {
        event.parsedBody = JSON.parse(raw);
      } catch (error) {
        const reason = error instanceof SyntaxError ? error.message : 'unreadable body';
        throw new HttpProblemError(
          problemOf('malformed-json', `The body is not valid JSON: ${reason.slice(0, 200)}`),
        );
      }
    },
  };
}
