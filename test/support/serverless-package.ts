// Runs osls exactly as a deploy would, on a machine with no AWS credentials or config at all: `serverless package`
// into a directory of the caller's, and `serverless print`. Used by the package and template-check tests.
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const execFileAsync = promisify(execFile);
export const REPO_ROOT = new URL('../..', import.meta.url).pathname;
export const PACKAGE_TIMEOUT_MS = 300_000;

export type CfnValue = unknown;
export interface CfnResource {
  Type: string;
  Properties: Record<string, CfnValue>;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, CfnValue>;
}

/** The environment of a machine with no AWS credentials or config at all. */
export function credentialFreeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ENDPOINT_URL',
  ]) {
    delete env[name];
  }
  env.AWS_CONFIG_FILE = '/nonexistent';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
  env.AWS_EC2_METADATA_DISABLED = 'true';
  return env;
}

export function serverless(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return execFileAsync('npx', ['serverless', ...args], {
    cwd: REPO_ROOT,
    env: { ...credentialFreeEnv(), ...extraEnv },
    timeout: PACKAGE_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** What osls printed when a command failed (it prints its errors on stdout), or 'resolved' when it did not fail. */
export function failureOf(command: Promise<unknown>): Promise<string> {
  return command.then(
    () => 'resolved',
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
}

/** Packages `stage` with `--param` values into outDir; returns the update-stack template. */
export async function packageService(outDir: string, stage: string, params: string[]): Promise<CfnTemplate> {
  const args = ['package', '--stage', stage, '--package', outDir, ...params.map((p) => `--param=${p}`)];
  // serverless-esbuild leaves a work folder per function in TMPDIR: keep them inside outDir, removed afterwards.
  const workDir = join(outDir, '.tmp');
  await mkdir(workDir, { recursive: true });
  await serverless(args, { TMPDIR: workDir }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`serverless ${args.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  });
  return JSON.parse(await readFile(templatePath(outDir), 'utf8')) as CfnTemplate;
}

export function templatePath(outDir: string): string {
  return join(outDir, 'cloudformation-template-update-stack.json');
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}
