// Schemathesis (installed from PyPI into the project's .venv with moto, infra/local/requirements.txt) runs the
// committed docs/openapi.json against the local API: every documented operation, generated valid and invalid
// requests, stateful sequences (PUT → Location → GET), and every check it has. Exit code 0 = every answer matched
// the document: documented status codes, content types, headers and response schemas, invalid data refused, valid
// data accepted, auth enforced.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, withoutRealAws } from '../../infra/local/moto.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { printToTerminal } from '../support/log-capture.ts';

const SCHEMATHESIS = join(PROJECT_ROOT, '.venv', 'bin', 'schemathesis');
const OPENAPI = join(PROJECT_ROOT, 'docs', 'openapi.json');
const RUN_TIMEOUT_MS = 180_000;

// `--checks all`, with one check told what "accepted" means here. positive_data_acceptance expects a request
// that matches the schema to be accepted; a submission can match the schema and still break its campaign's
// policy (required skills, allowed agent time zones, window overlap with the calling hours, maxAgents,
// maxConcurrentCallsPerAgent) or a cross-field rule (body campaignId = path, start ≠ end), and a campaign policy
// can name a skill CXone does not know (422) or another campaign's (409). The document states these rules in prose
// and answers them with its documented 422 and 409; JSON Schema cannot express them. Conditional requests are
// refused when their ETag is not the current one (412) or missing (428), and a list cursor that is well formed but
// not one the list gave out with 422, which no schema can know either. So these count as acceptance-compatible; a
// 400, 413, 415, 3xx or 5xx for schema-valid data still fails the check. A policy write evaluates its preconditions
// before it reads the body (RFC 9110 §13.2.2): a body that breaks the schema sent with a stale If-Match is refused
// with the documented 412, as negative_data_rejection is told for those two operations (it already counts 428).
const CONFIG = `
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422", "428"]

[[operations]]
include-operation-id = ["putCampaign", "deleteCampaign"]
checks.negative_data_rejection.expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "415", "422", "428", "429"]
`;

let stack: LocalStack;
let workDir: string;

beforeAll(async () => {
  // Starting the stack also installs .venv from infra/local/requirements.txt when it changed (moto.ts).
  stack = await startLocalStack({
    port: 0,
    cxoneSandboxPort: 0,
    wfmReceiverPort: 0,
    motoPort: 0,
    rebalanceIntervalSeconds: 3600,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  workDir = await mkdtemp(join(tmpdir(), 'schemathesis-'));
  await writeFile(join(workDir, 'schemathesis.toml'), CONFIG);
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface Run {
  exitCode: number | null;
  output: string;
}

function runSchemathesis(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCHEMATHESIS, args, {
      cwd: workDir, // .hypothesis and any report stay out of the repository
      env: { ...withoutRealAws(process.env), NO_COLOR: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n[test] schemathesis still running after ${RUN_TIMEOUT_MS / 1000} s: stopped\n`;
      child.kill('SIGTERM');
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output });
    });
  });
}

/** From the failures (if any) through the summary: what a reader needs, without the progress lines. */
function summaryOf(output: string): string {
  const start = output.search(/^=+ (FAILURES|ERRORS|SUMMARY) =+$/m);
  return (start < 0 ? output : output.slice(start)).slice(-30_000);
}

describe('docs/openapi.json against the running API (schemathesis)', () => {
  it(
    'finds no response that the document does not describe',
    async () => {
      expect(existsSync(SCHEMATHESIS), `${SCHEMATHESIS} (from infra/local/requirements.txt)`).toBe(true);
      const run = await runSchemathesis([
        '--config-file',
        join(workDir, 'schemathesis.toml'),
        '--no-color',
        'run',
        OPENAPI,
        '--url',
        stack.apiUrl,
        '--header',
        // The admin token holds every scope, so every operation is reachable.
        `Authorization: Bearer ${stack.adminToken}`,
        '--checks',
        'all',
        '--phases',
        'examples,coverage,fuzzing,stateful',
        '--max-examples',
        '200',
        // One worker: with two, CPython 3.11's ast.parse, which Hypothesis calls to describe its filters, races
        // between the worker threads in the coverage phase (SystemError: AST constructor recursion depth mismatch).
        '--workers',
        '1',
        '--request-timeout',
        '30',
        '--generation-database',
        'none',
        '--output-sanitize',
        'true',
        ...(process.env.SCHEMATHESIS_SEED ? ['--seed', process.env.SCHEMATHESIS_SEED] : []),
      ]);
      printToTerminal(`${summaryOf(run.output)}\n`);
      expect(run.output).toMatch(/Operations:\s+18 selected \/ 18 total/);
      expect(run.exitCode, summaryOf(run.output)).toBe(0);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
