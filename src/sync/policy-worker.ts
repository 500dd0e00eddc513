import { EnrollmentMailer, type EnrollmentMailerOptions } from '../mail/enrollment-mailer.js';
import type { Runtime } from '../runtime.js';
import { applyLifecycleDeadlines } from './apply-lifecycle-deadlines.js';

/**
 * Policy's background work while `roster serve` runs: the enrollment mailer (woken after each
 * commit that appends events, and on a timer for retries) and the lifecycle sweep that deletes
 * users whose grace period after leaving the scope has passed. Both are safe in several processes
 * at once: emails are claimed before sending, and each deletion re-checks its deadline in its
 * own transaction.
 */
export interface PolicyWorker {
  stop(): Promise<void>;
}

export function startPolicyWorker(
  runtime: Runtime,
  options: { sweepIntervalMs?: number; mailer?: EnrollmentMailerOptions } = {},
): PolicyWorker {
  const mailer = new EnrollmentMailer(runtime, options.mailer);
  mailer.start();
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    sweeping = sweeping.then(() =>
      applyLifecycleDeadlines(runtime).catch((error: unknown) =>
        runtime.logger.error({ err: error }, 'The lifecycle sweep failed'),
      ),
    );
  };
  const timer = setInterval(sweep, options.sweepIntervalMs ?? 15 * 60_000);
  timer.unref();
  sweep();
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
      await mailer.stop();
    },
  };
}
