// An availability window of '00:00'–'23:59' leaves out the day's last minute (a window ends at its end minute), so a
// test whose agents must be active whenever it runs fails if it runs across midnight in the window's zone.

const DAY_MS = 86_400_000;

/**
 * Near the end of the UTC day (the last `marginMinutes`, which must cover the test file's run), waits until the new day
 * has begun; otherwise returns at once.
 */
export async function outsideLastMinutesOfUtcDay(
  marginMinutes: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<void> {
  const untilMidnight = DAY_MS - (now() % DAY_MS);
  if (untilMidnight <= marginMinutes * 60_000) await sleep(untilMidnight + 1_000);
}
