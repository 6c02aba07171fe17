// For tests that check what a handler logs or meters: its JSON lines (Powertools Logger and EMF), kept off the
// terminal, parsed.
import { copyForSecretScan } from './security/output-capture.ts';
import { captureProcessOutput } from './security/tee-output.ts';

export type PrintedLine = Record<string, unknown>;

/** Runs `run` and returns its result, everything it printed, and each printed JSON line parsed. */
export async function printedLines<T>(
  run: () => Promise<T>,
): Promise<{ result: T; text: string; lines: PrintedLine[] }> {
  const output = captureProcessOutput(false);
  try {
    const result = await run();
    const text = output.text();
    // Kept off the terminal, but still scanned for secrets after the run.
    copyForSecretScan(text);
    const lines = text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as PrintedLine);
    return { result, text, lines };
  } finally {
    output.stop();
  }
}
