// vitest globalSetup: gives the run a folder for the workers' output copies (output-capture.ts) and, once every
// test file has run, fails the run when any copy holds a secret: the local credentials, a sandbox-issued token, a
// `whsec_` key or an AWS access key id. The folder is removed when the output is clean and kept otherwise.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../../infra/local/moto.ts';
import {
  SecretInTestOutputError,
  scanTestOutput,
  TEST_OUTPUT_DIR_ENV,
  TEST_OUTPUT_ROOT,
} from './test-output.ts';

/** Folders of runs that died before their teardown are removed after a day. */
const STALE_RUN_MS = 24 * 60 * 60 * 1000;

async function removeStaleRuns(): Promise<void> {
  for (const name of await readdir(TEST_OUTPUT_ROOT).catch(() => [] as string[])) {
    if (!name.startsWith('run-')) continue;
    const path = join(TEST_OUTPUT_ROOT, name);
    const age = Date.now() - (await stat(path)).mtimeMs;
    if (age > STALE_RUN_MS) await rm(path, { recursive: true, force: true });
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  await mkdir(TEST_OUTPUT_ROOT, { recursive: true });
  await writeFile(
    join(TEST_OUTPUT_ROOT, '.gitignore'),
    '# test run output copies (test/support/security)\n*\n',
  );
  await removeStaleRuns();
  // Runs of other engineers may share the folder: each run has its own sub-folder.
  const runDir = join(TEST_OUTPUT_ROOT, `run-${Date.now()}-${process.pid}`);
  await mkdir(runDir);
  process.env[TEST_OUTPUT_DIR_ENV] = runDir;

  return async () => {
    const findings = await scanTestOutput(runDir);
    if (findings.length === 0) {
      await rm(runDir, { recursive: true, force: true });
      return;
    }
    const lines = findings.slice(0, 30).map((f) => `${f.description}\n    (printed while ${f.testFile} ran)`);
    if (findings.length > 30) lines.push(`… and ${findings.length - 30} more`);
    throw new SecretInTestOutputError(
      `The test run printed secrets (values redacted; full output kept in ${relative(PROJECT_ROOT, runDir)}):\n${lines.join('\n')}`,
    );
  };
}
