// Child process of the cold-start bench: imports one module (argv[2], a path) in a fresh Node process and prints how
// long the import took, i.e. the module-init part of a Lambda cold start.
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/import-probe.ts <module file>');
const url = pathToFileURL(file).href;
const started = performance.now();
const module = (await import(url)) as Record<string, unknown>;
const importMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ importMs, hasHandler: typeof module.handler === 'function' })}\n`);
