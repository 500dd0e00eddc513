/**
 * Waits between delivery attempts: exponential from seconds to hours, then every 8 hours: 12
 * attempts over about 31.7 hours, so a receiver down for a whole day still gets every event. Each wait is
 * jittered by up to 10% so that many deliveries failing together do not retry in lockstep.
 */
export const defaultRetryScheduleMs: readonly number[] = [
  5_000,
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
  2 * 3_600_000,
  4 * 3_600_000,
  8 * 3_600_000,
  8 * 3_600_000,
  8 * 3_600_000,
];

/** The wait before the next attempt after `attempts` failed ones, or undefined when out of retries. */
export function nextRetryDelayMs(
  schedule: readonly number[],
  attempts: number,
  random: () => number = Math.random,
): number | undefined {
  const base = schedule[attempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 + 0.1 * random()));
}
