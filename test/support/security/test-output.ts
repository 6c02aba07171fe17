// Where the test run's output copies live (see output-capture.ts and output-scan.ts) and how they are scanned.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../../infra/local/moto.ts';
import { describeFindings, findSecrets, type KnownSecret, localSecrets } from './secrets.ts';

/** Set by the global setup for the workers: the folder of this run's output copies. */
export const TEST_OUTPUT_DIR_ENV = 'CXA_TEST_OUTPUT_DIR';
/** Git-ignored by a `.gitignore` of its own (`*`), written when the folder is created. */
export const TEST_OUTPUT_ROOT = join(PROJECT_ROOT, '.test-output');
/** A line the capture writes when a worker starts another test file: `### <path>`. */
export const FILE_MARKER = '### ';

export class SecretInTestOutputError extends Error {
  override name = 'SecretInTestOutputError';
}

export interface OutputFinding {
  /** The copy, relative to the project. */
  file: string;
  /** The test file that was running when the line was printed. */
  testFile: string;
  description: string;
}

/** Scans every copy in `runDir` for `secrets` and the secret patterns; one finding per line. */
export async function scanTestOutput(
  runDir: string,
  secrets: readonly KnownSecret[] = localSecrets(),
): Promise<OutputFinding[]> {
  const findings: OutputFinding[] = [];
  const names = (await readdir(runDir).catch(() => [] as string[])).filter((n) => n.endsWith('.log')).sort();
  for (const name of names) {
    const path = join(runDir, name);
    const text = await readFile(path, 'utf8');
    const markers = [...text.split('\n').entries()].filter(([, line]) => line.startsWith(FILE_MARKER));
    for (const finding of findSecrets(text, secrets)) {
      const marker = markers.filter(([index]) => index < finding.line).at(-1);
      findings.push({
        file: relative(PROJECT_ROOT, path),
        testFile: marker ? marker[1].slice(FILE_MARKER.length) : '(before the first test file)',
        description: describeFindings(relative(PROJECT_ROOT, path), [finding]),
      });
    }
  }
  return findings;
}
