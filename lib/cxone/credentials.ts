import * as z from '../domain/zod.ts';
import { CxoneCredentialsError } from './errors.ts';

export type CxoneTargetName = 'admin' | 'campaign-agents';

const nonEmpty = z.string().check(z.minLength(1));
const httpUrl = z.pipe(
  z.url({ protocol: /^https?$/ }),
  z.transform((url: string) => url.replace(/\/+$/, '')),
);

/**
 * How the token request authenticates the client: `client_secret_basic` (the default, the only method CXone's
 * discovery lists: `Authorization: Basic` of `clientId:clientSecret`) or `client_secret_post` (`client_id` and
 * `client_secret` in the form body, which CXone's token request schema also accepts).
 */
export const ClientAuthMethodSchema = z.enum(['client_secret_basic', 'client_secret_post']);
export type ClientAuthMethod = z.infer<typeof ClientAuthMethodSchema>;

/**
 * The CXone credentials secret (JSON). Every target needs clientId/clientSecret/issuer; the `admin` target also
 * needs the access key (CXone's password grant). Extra fields are ignored so operators may keep notes in it.
 */
const campaignAgentsCredentialsSchema = z.object({
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  issuer: httpUrl,
  clientAuthMethod: z.optional(ClientAuthMethodSchema),
  accessKeyId: z.optional(nonEmpty),
  accessKeySecret: z.optional(nonEmpty),
  tenantId: z.optional(nonEmpty),
  apiEndpoint: z.optional(httpUrl),
});

const adminCredentialsSchema = z.extend(campaignAgentsCredentialsSchema, {
  accessKeyId: nonEmpty,
  accessKeySecret: nonEmpty,
});

export type CxoneCredentials = z.output<typeof campaignAgentsCredentialsSchema>;

export interface CredentialsProvider {
  /** The current credentials (may be cached). */
  get(): Promise<CxoneCredentials>;
  /** Re-reads the source, bypassing any cache; called once after CXone refused the credentials. */
  refresh(): Promise<CxoneCredentials>;
}

export function credentialsSchemaFor(target: CxoneTargetName) {
  return target === 'admin' ? adminCredentialsSchema : campaignAgentsCredentialsSchema;
}

/**
 * Validates credentials for a target. The error names the offending fields and why, never a value
 * (zod's own messages are not used since future versions might echo input).
 */
export function parseCxoneCredentials(value: unknown, target: CxoneTargetName, source = 'credentials') {
  const result = credentialsSchemaFor(target).safeParse(value);
  if (result.success) return result.data as CxoneCredentials;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${field} (${issue.code === 'invalid_type' && issue.path.length > 0 ? 'missing or not a string' : issue.code})`;
  });
  throw new CxoneCredentialsError(`CXone ${source} invalid for target ${target}: ${problems.join(', ')}`);
}

/** Fixed credentials (tests, local runs); `refresh` returns the same values. */
export function staticCredentials(credentials: CxoneCredentials): CredentialsProvider {
  return {
    get: async () => credentials,
    refresh: async () => credentials,
  };
}
