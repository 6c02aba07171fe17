import type { LocalStack } from '../../infra/local/stack.ts';

/** A request to the local stack's API with its bearer token and a JSON content type (overridable by `init`). */
export function callApi(
  stack: Pick<LocalStack, 'apiUrl' | 'apiToken'>,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${stack.apiToken}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
}
