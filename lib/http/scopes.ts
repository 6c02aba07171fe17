// The API's authorization scopes: what a JWT must carry for a route (serverless.yml puts them on each route; the
// local stack's two tokens stand for tokens carrying them). With IAM auth the same split is made by route ARNs.
import * as z from '../domain/zod.ts';

export const ApiScopeSchema = z.enum([
  'assignments:write',
  'assignments:read',
  'campaigns:admin',
  'webhooks:admin',
]);
export type ApiScope = z.infer<typeof ApiScopeSchema>;

export const API_SCOPES: readonly ApiScope[] = ApiScopeSchema.options;
