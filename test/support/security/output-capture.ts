// vitest setupFile: copies everything a test worker prints (handler logs, the local stack's lines, console output)
// into `<run dir>/worker-<pid>.log`, so that the global teardown (output-scan.ts) can check the whole suite's
// output for secrets. Without the run dir (vitest started without the global setup) it does nothing.
// It is the first setup file: test/support/log-capture.ts, next, turns the handlers' stdout/stderr lines into
// console output that is shown only for failed tests, and that console output is copied here all the same.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/local/moto.ts';
import { teeProcessOutput } from './tee-output.ts';
import { FILE_MARKER, TEST_OUTPUT_DIR_ENV } from './test-output.ts';

interface WorkerCapture {
  fd: number;
  /** The console object teed last: vitest may give each test file a new one. */
  console: Console;
  stop: () => void;
}

const CAPTURE = Symbol.for('cxone-assignments.test-output-capture');
const holder = globalThis as typeof globalThis & { [CAPTURE]?: WorkerCapture };

function startCapture(runDir: string): WorkerCapture {
  const fd = openSync(join(runDir, `worker-${process.pid}.log`), 'a');
  const write = (text: string) => {
    writeSync(fd, text);
  };
  const capture: WorkerCapture = { fd, console: globalThis.console, stop: teeProcessOutput(write) };
  process.once('exit', () => {
    capture.stop();
    closeSync(fd);
  });
  return capture;
}

const runDir = process.env[TEST_OUTPUT_DIR_ENV];
if (runDir) {
  let capture = holder[CAPTURE];
  if (!capture) {
    capture = startCapture(runDir);
    holder[CAPTURE] = capture;
  } else if (capture.console !== globalThis.console) {
    capture.stop();
    const fd = capture.fd;
    capture = { fd, console: globalThis.console, stop: teeProcessOutput((text) => void writeSync(fd, text)) };
    holder[CAPTURE] = capture;
  }
  const testPath = expect.getState().testPath;
  writeSync(
    capture.fd,
    `\n${FILE_MARKER}${testPath ? relative(PROJECT_ROOT, testPath) : 'unknown test file'}\n`,
  );
}

/**
 * Adds `text` to this worker's output copy. For output a test keeps off every stream (captureProcessOutput with
 * passThrough false sees it first and passes nothing on): what such a test captured is scanned all the same.
 */
export function copyForSecretScan(text: string): void {
  const capture = holder[CAPTURE];
  if (capture && text !== '') writeSync(capture.fd, text.endsWith('\n') ? text : `${text}\n`);
}
