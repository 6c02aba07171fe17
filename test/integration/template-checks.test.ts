// Lints the packaged `prod` template, IAM and JWT auth, as an operator would before deploying: cfn-lint (no error;
// the only warnings are the ones .cfnlintrc.yaml ignores, each with its reason) and checkov (no failed check; the
// only skips are the ones .checkov.yaml lists, each with its reason). Both tools come from PyPI on first use
// (infra/local/template-tools.ts); packaging needs no AWS credentials, and checkov is kept off the network.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemplateTools, type TemplateTools } from '../../infra/local/template-tools.ts';
import {
  execFileAsync,
  PACKAGE_TIMEOUT_MS,
  packageService,
  REPO_ROOT,
  templatePath,
} from '../support/serverless-package.ts';

const INSTALL_TIMEOUT_MS = 900_000;
const TOOL_TIMEOUT_MS = 180_000;
const CFN_LINT_CONFIG = join(REPO_ROOT, '.cfnlintrc.yaml');
const CHECKOV_CONFIG = join(REPO_ROOT, '.checkov.yaml');

const variants = {
  iam: ['alarmEmail=oncall@example.com'],
  jwt: [
    'apiAuth=jwt',
    'jwtIssuer=https://login.example.com/',
    'jwtAudience=cxone-assignments',
    'alarmTopicArn=arn:aws:sns:us-east-1:123456789012:oncall',
  ],
} as const;
type Variant = keyof typeof variants;

interface CfnLintMatch {
  Rule: { Id: string };
  Level: string;
  Message: string;
  Location: { Path?: unknown[] };
}
interface CheckovReport {
  summary: { passed: number; failed: number; parsing_errors: number; resource_count: number };
  results: { failed_checks: { check_id: string; resource: string }[] };
}

/** `- ID # reason` entries of a list in one of the configs; throws on an entry without a reason. */
async function configuredIds(file: string, pattern: RegExp): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const match = line.match(/^\s*-\s+([A-Z][A-Z0-9_]+)\s*(?:#\s*(.*))?$/);
    if (!match?.[1] || !pattern.test(match[1])) continue;
    entries.set(match[1], (match[2] ?? '').trim());
  }
  return entries;
}

function run(command: string, args: string[]) {
  // Both tools exit non-zero when they report something: the reports are what the tests look at.
  return execFileAsync(command, args, {
    cwd: tmpdir(),
    timeout: TOOL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      // No downloads of guidelines or policies and no update check: checkov stays on this machine.
      BC_SKIP_MAPPING: 'TRUE',
      CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true',
    },
  }).catch((error: { stdout?: string; stderr?: string; code?: unknown }) => {
    if (typeof error.code !== 'number') throw error;
    return { stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  });
}

async function cfnLint(tools: TemplateTools, template: string, config?: string): Promise<CfnLintMatch[]> {
  const { stdout, stderr } = await run(tools.cfnLint, [
    '--format',
    'json',
    ...(config ? ['--config-file', config] : []),
    '--',
    template,
  ]);
  try {
    return JSON.parse(stdout) as CfnLintMatch[];
  } catch {
    throw new Error(`cfn-lint printed no JSON report:\n${stdout}${stderr}`);
  }
}

async function checkov(tools: TemplateTools, template: string, config?: string): Promise<CheckovReport> {
  const { stdout, stderr } = await run(tools.checkov, [
    ...(config ? ['--config-file', config] : ['--framework', 'cloudformation']),
    '--skip-download',
    '--compact',
    '--quiet',
    '--output',
    'json',
    '--file',
    template,
  ]);
  try {
    const parsed = JSON.parse(stdout) as CheckovReport | CheckovReport[];
    const [report] = [parsed].flat();
    if (!report) throw new Error('empty report');
    return report;
  } catch {
    throw new Error(`checkov printed no JSON report:\n${stdout}${stderr}`);
  }
}

const describeMatch = (m: CfnLintMatch) => `${m.Rule.Id} ${m.Message} at ${JSON.stringify(m.Location.Path)}`;

let tools: TemplateTools;
let workDir = '';
const templates = {} as Record<Variant, string>;

beforeAll(
  async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cxone-assignments-template-checks-'));
    // One package per variant, shared by every test of this file.
    for (const [variant, params] of Object.entries(variants) as [Variant, readonly string[]][]) {
      const outDir = join(workDir, variant);
      await packageService(outDir, 'prod', [...params]);
      templates[variant] = templatePath(outDir);
    }
    tools = await ensureTemplateTools();
  },
  INSTALL_TIMEOUT_MS + 2 * PACKAGE_TIMEOUT_MS,
);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('the committed linter configurations', () => {
  it('give a reason for every ignored cfn-lint rule and every skipped checkov check', async () => {
    const ignored = await configuredIds(CFN_LINT_CONFIG, /^[EWI]\d{4}$/);
    const skipped = await configuredIds(CHECKOV_CONFIG, /^CKV\d?_[A-Z0-9]+_\d+$/);
    expect(ignored.size).toBeGreaterThan(0);
    expect(skipped.size).toBeGreaterThan(0);
    for (const [id, reason] of [...ignored, ...skipped]) expect(reason.length, id).toBeGreaterThan(20);
    // Errors are never ignored.
    expect([...ignored.keys()].filter((id) => id.startsWith('E'))).toEqual([]);
  });
});

describe.each(Object.keys(variants) as Variant[])('packaged prod template, %s auth', (variant) => {
  it(
    'has no cfn-lint error or warning beyond the rules .cfnlintrc.yaml ignores',
    async () => {
      const matches = await cfnLint(tools, templates[variant], CFN_LINT_CONFIG);
      expect(matches.map(describeMatch)).toEqual([]);
    },
    TOOL_TIMEOUT_MS,
  );

  it(
    'ignores only cfn-lint rules that fire on it, and none of them is an error',
    async () => {
      const unconfigured = await cfnLint(tools, templates[variant]);
      expect(unconfigured.filter((m) => m.Level === 'Error').map(describeMatch)).toEqual([]);
      const ignored = [...(await configuredIds(CFN_LINT_CONFIG, /^[EWI]\d{4}$/)).keys()].sort();
      expect([...new Set(unconfigured.map((m) => m.Rule.Id))].sort()).toEqual(ignored);
    },
    TOOL_TIMEOUT_MS,
  );

  it(
    'passes every checkov check that .checkov.yaml does not skip',
    async () => {
      const report = await checkov(tools, templates[variant], CHECKOV_CONFIG);
      expect(report.results.failed_checks.map((c) => `${c.check_id} on ${c.resource}`)).toEqual([]);
      expect(report.summary.failed).toBe(0);
      expect(report.summary.parsing_errors).toBe(0);
      expect(report.summary.passed).toBeGreaterThan(50);
      expect(report.summary.resource_count).toBeGreaterThan(50);
    },
    TOOL_TIMEOUT_MS,
  );

  it(
    'skips only checkov checks that fail on it',
    async () => {
      const unconfigured = await checkov(tools, templates[variant]);
      const skipped = [...(await configuredIds(CHECKOV_CONFIG, /^CKV\d?_[A-Z0-9]+_\d+$/)).keys()].sort();
      expect([...new Set(unconfigured.results.failed_checks.map((c) => c.check_id))].sort()).toEqual(skipped);
    },
    TOOL_TIMEOUT_MS,
  );
});
