import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import type { ProblemDetails } from './problem-schema.ts';

export type HttpResponse = Exclude<APIGatewayProxyResultV2, string>;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** 204: no body, no content type. */
export function noContent(headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: 204, headers: { 'cache-control': 'no-store', ...headers } };
}

export function problemResponse(problem: ProblemDetails, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(problem),
  };
}

/** Thrown anywhere in an HTTP handler; rendered as problem+json by `problemErrors`. */
export class HttpProblemError extends Error {
  readonly problem: ProblemDetails;
  constructor(problem: ProblemDetails) {
    super(problem.detail);
    this.name = 'HttpProblemError';
    this.problem = problem;
  }
}
