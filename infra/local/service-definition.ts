// The deployed definition, read from serverless.yml by osls itself (`serverless print`), so the local stack can
// never drift from what `serverless deploy` creates: variables resolved, CloudFormation intrinsics left as-is.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT, withoutRealAws } from './moto.ts';

export class ServiceDefinitionError extends Error {
  override name = 'ServiceDefinitionError';
}

const CloudFormationResourceSchema = z.looseObject({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).optional(),
});
export type CloudFormationResource = z.infer<typeof CloudFormationResourceSchema>;

const FunctionSchema = z.looseObject({
  handler: z.string(),
  name: z.string().optional(),
  timeout: z.number().optional(),
  memorySize: z.number().optional(),
  environment: z.record(z.string(), z.unknown()).optional(),
  events: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type FunctionDefinition = z.infer<typeof FunctionSchema>;

const ResourcesBlockSchema = z.looseObject({
  Resources: z.record(z.string(), CloudFormationResourceSchema).optional(),
});

export const ServiceDefinitionSchema = z.looseObject({
  service: z.string(),
  provider: z.looseObject({
    timeout: z.number().optional(),
    memorySize: z.number().optional(),
    environment: z.record(z.string(), z.unknown()).optional(),
  }),
  functions: z.record(z.string(), FunctionSchema).default({}),
  // osls merges `resources: [ ${file(a)}, ${file(b)} ]` into one object; an array is accepted all the same.
  resources: z.union([ResourcesBlockSchema, z.array(ResourcesBlockSchema)]).optional(),
});

export interface ServiceDefinition {
  service: string;
  stage: string;
  provider: z.infer<typeof ServiceDefinitionSchema>['provider'];
  functions: Record<string, FunctionDefinition>;
  resources: Record<string, CloudFormationResource>;
}

/** Validates `serverless print --format json` output and flattens its resources. */
export function parseServiceDefinition(printed: unknown, stage: string): ServiceDefinition {
  const parsed = ServiceDefinitionSchema.safeParse(printed);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ServiceDefinitionError(`serverless print output not understood: ${problems.join('; ')}`);
  }
  const blocks = parsed.data.resources === undefined ? [] : [parsed.data.resources].flat();
  const resources: Record<string, CloudFormationResource> = {};
  for (const block of blocks) Object.assign(resources, block.Resources ?? {});
  return {
    service: parsed.data.service,
    stage,
    provider: parsed.data.provider,
    functions: parsed.data.functions,
    resources,
  };
}

/**
 * Runs `serverless print` (osls, with this process's Node) in the project. AWS credentials and endpoints are
 * removed from its environment: printing needs none, and none may leak into it.
 */
export async function printServiceDefinition(
  projectRoot = PROJECT_ROOT,
  stage = 'local',
  /** `--param` values, e.g. `['alarms=off']` for a stage that has no alarm target. */
  params: readonly string[] = [],
): Promise<ServiceDefinition> {
  const cli = join(projectRoot, 'node_modules', 'osls', 'bin', 'serverless.js');
  const args = [cli, 'print', '--stage', stage, '--format', 'json', ...params.map((p) => `--param=${p}`)];
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...withoutRealAws(process.env), SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(out);
      else reject(new ServiceDefinitionError(`serverless print exited ${code}:\n${err || out}`));
    });
  });
  let printed: unknown;
  try {
    printed = JSON.parse(stdout);
  } catch {
    throw new ServiceDefinitionError(`serverless print did not print JSON:\n${stdout.slice(0, 2000)}`);
  }
  return parseServiceDefinition(printed, stage);
}
