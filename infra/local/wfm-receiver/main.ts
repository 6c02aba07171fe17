// The WFM receiver alone, on WFM_RECEIVER_PORT (default 4020), checking signatures with WFM_WEBHOOK_SECRET
// (default: the local-only LOCAL_WFM_WEBHOOK_SECRET).
import { LOCAL_WFM_WEBHOOK_SECRET, startWfmReceiver } from './server.ts';

const DEFAULT_PORT = 4020;

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`WFM_RECEIVER_PORT must be a port number, got ${JSON.stringify(raw)}`);
  }
  return port;
}

const secretFromEnv = process.env.WFM_WEBHOOK_SECRET;
const receiver = await startWfmReceiver({
  port: portFromEnv(process.env.WFM_RECEIVER_PORT),
  secret: secretFromEnv || LOCAL_WFM_WEBHOOK_SECRET,
});
// The secret itself is never printed, only where it came from.
const secretSource = secretFromEnv ? 'WFM_WEBHOOK_SECRET' : 'the local-only default secret';
console.log(`WFM receiver listening on ${receiver.url} (verifying with ${secretSource})`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await receiver.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
