// `npm run sandbox:cxone`: the CXone sandbox alone, on CXONE_SANDBOX_PORT (default 4010).
import { startCxoneSandbox } from './server.ts';

const DEFAULT_PORT = 4010;

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`CXONE_SANDBOX_PORT must be a port number, got ${JSON.stringify(raw)}`);
  }
  return port;
}

const sandbox = await startCxoneSandbox({ port: portFromEnv(process.env.CXONE_SANDBOX_PORT) });
console.log(
  `CXone sandbox listening on ${sandbox.url} (local-only credentials: see infra/local/cxone-sandbox/README.md)`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await sandbox.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
