import type { APIGatewayProxyEventV2 } from 'aws-lambda';

interface AuthorizerContext {
  iam?: { userArn?: string | null };
  jwt?: { claims?: Record<string, unknown> };
}

/** Who made the request, as the API Gateway authorizer says (IAM user or role ARN, or the JWT's subject). */
export function principalOf(event: APIGatewayProxyEventV2): string | undefined {
  const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
  const arn = authorizer?.iam?.userArn;
  if (typeof arn === 'string' && arn !== '') return arn;
  const subject = authorizer?.jwt?.claims?.sub;
  return typeof subject === 'string' && subject !== '' ? subject : undefined;
}
