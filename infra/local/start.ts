// `npm start`: the local stack on fixed loopback ports. Prints one `ready …` line once GET /health is green and
// stops everything (moto included) on SIGINT/SIGTERM. Settings: docs/local.md.
import { formatStreamLines } from './log-format.ts';
import { startLocalStack } from './stack.ts';

class InvalidSettingError extends Error {
  override name = 'InvalidSettingError';
}

function intFromEnv(name: string, fallback?: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new InvalidSettingError(`${name} must be a whole number ≥ 0`);
  return value;
}

function log(line: string): void {
  process.stderr.write(`[local] ${line}\n`);
}

async function main(): Promise<void> {
  // The handlers log Powertools JSON lines (as in Lambda); a terminal gets one short line per entry.
  if (process.env.LOCAL_LOG_FORMAT !== 'json') formatStreamLines(process.stdout);
  let requested: NodeJS.Signals | undefined;
  let stopStack: (() => Promise<void>) | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (requested) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    requested = signal;
    log(`${signal}: stopping`);
    // A signal during start-up is acted on once the stack is up (or start-up failed).
    stopStack?.().then(
      () => process.exit(0),
      (error: Error) => {
        log(`stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const stack = await startLocalStack({
    port: intFromEnv('PORT', 3000),
    cxoneSandboxPort: intFromEnv('CXONE_SANDBOX_PORT', 4010),
    wfmReceiverPort: intFromEnv('WFM_RECEIVER_PORT', 4020),
    motoPort: intFromEnv('MOTO_PORT'),
    rebalanceIntervalSeconds: intFromEnv('REBALANCE_INTERVAL_SECONDS'),
    queueVisibilityTimeoutSeconds: intFromEnv('LOCAL_QUEUE_VISIBILITY_TIMEOUT_SECONDS'),
    functionTimeoutSeconds: intFromEnv('LOCAL_FUNCTION_TIMEOUT_SECONDS'),
    sqsConcurrency: intFromEnv('LOCAL_SQS_CONCURRENCY'),
    extraPoliciesFile: process.env.EXTRA_POLICIES_FILE || undefined,
    apiToken: process.env.API_TOKEN || undefined,
    adminToken: process.env.API_ADMIN_TOKEN || undefined,
    wfmWebhookSecret: process.env.WFM_WEBHOOK_SECRET || undefined,
    log,
  });
  stopStack = stack.stop;
  if (requested) {
    const signal = requested;
    requested = undefined;
    stop(signal);
    return;
  }
  process.stdout.write(
    `ready api=${stack.apiUrl} cxone=${stack.cxoneUrl} wfm=${stack.wfmUrl} moto=${stack.motoUrl}\n`,
  );
}

main().catch((error: Error) => {
  log(`failed to start: ${error.stack ?? error.message}`);
  process.exit(1);
});
