// The Python tools of the local stack and the test suite live in virtualenvs under the project's `.venv`, installed
// from pinned requirements files on first use (from PyPI) and again whenever such a file changes: a stamp in each
// virtualenv holds the hash of the requirements it was installed from. Installs are serialized by `.venv.lock`
// (parallel test files wait for one another).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class PythonInstallError extends Error {
  override name = 'PythonInstallError';
}

export interface VirtualenvSpec {
  /** The virtualenv's directory. */
  dir: string;
  /** A pip requirements file with pinned versions. */
  requirements: string;
  /** The Python that creates the virtualenv. */
  python: string;
  /** The lock directory that serializes installs. */
  lock: string;
  /** Named in the log line of an install. */
  purpose: string;
  /** Wraps install failures (default PythonInstallError). */
  error?: new (
    message: string,
  ) => Error;
}

const STAMP_FILE = '.requirements.sha256';
const LOCK_STALE_MS = 10 * 60_000;

/** Creates or refreshes the virtualenv when missing or when its requirements changed; returns its python. */
export async function ensureVirtualenv(spec: VirtualenvSpec, log: (line: string) => void = () => {}) {
  const python = join(spec.dir, 'bin', 'python');
  const wanted = createHash('sha256')
    .update(await readFile(spec.requirements))
    .digest('hex');
  const isCurrent = async () =>
    existsSync(python) &&
    (await readFile(join(spec.dir, STAMP_FILE), 'utf8').catch(() => '')).trim() === wanted;

  if (await isCurrent()) return python;
  await acquireLock(spec.lock);
  try {
    if (await isCurrent()) return python;
    const ErrorClass = spec.error ?? PythonInstallError;
    log(`installing ${spec.purpose} into ${spec.dir} (first run, or ${spec.requirements} changed)`);
    await run(spec.python, ['-m', 'venv', '--clear', spec.dir], ErrorClass);
    await run(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-input',
        '-r',
        spec.requirements,
      ],
      ErrorClass,
    );
    await writeFile(join(spec.dir, STAMP_FILE), `${wanted}\n`);
    return python;
  } finally {
    await rm(spec.lock, { recursive: true, force: true });
  }
}

async function acquireLock(lock: string): Promise<void> {
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(lock)) await rm(lock, { recursive: true, force: true });
      else await sleep(500);
    }
  }
}

/** A lock whose owner died (or that is older than any install) is stale. */
async function isStale(lock: string): Promise<boolean> {
  const age = await stat(lock).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  if (age > LOCK_STALE_MS) return true;
  const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
  if (!owner) return age > 5000; // just created, pid not written yet
  try {
    process.kill(owner, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function run(command: string, args: string[], ErrorClass: new (message: string) => Error): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => reject(new ErrorClass(`${command}: ${error.message}`)));
    child.on('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new ErrorClass(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-4000)}`));
    });
  });
}
