import nodemailer, { type Transporter } from 'nodemailer';
import { isoNow } from '../clock.js';
import type { Runtime } from '../runtime.js';
import {
  claimEnrollmentEmail,
  dueEnrollmentEmails,
  recordEnrollmentAttempt,
  type EnrollmentEmail,
} from '../store/enrollment.js';
import { renderEnrollmentEmail } from './render-enrollment-email.js';

/**
 * Sends the enrollment-email outbox over SMTP, after commit, never inside a sync's transaction.
 * Woken by the event bus (an email is queued with `user.created` or `user.reactivated`) and by a
 * timer for retries. Each attempt is recorded: a sent email is marked `sent`; a failure keeps
 * `last_error` and is retried with growing delays, and after the last attempt is marked `failed`,
 * visible in the outbox (`roster policy emails`) until an admin retries it.
 */
export interface EnrollmentMailerOptions {
  /** Delays before the 2nd, 3rd, … attempt; the email fails after the last one. */
  retryDelaysMs?: readonly number[];
  pollIntervalMs?: number;
  /** A test may pass its own transport; otherwise one is built from `config.smtpUrl`. */
  transport?: Transporter;
}

const defaultRetryDelaysMs = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
/** An attempt that takes longer is assumed dead and may be claimed again. */
const sendLeaseMs = 2 * 60_000;

export class EnrollmentMailer {
  readonly #runtime: Runtime;
  readonly #transport: Transporter | undefined;
  readonly #retryDelaysMs: readonly number[];
  readonly #pollIntervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #passQueued = false;

  constructor(runtime: Runtime, options: EnrollmentMailerOptions = {}) {
    this.#runtime = runtime;
    const { smtpUrl } = runtime.config;
    this.#transport =
      options.transport ?? (smtpUrl === undefined ? undefined : nodemailer.createTransport(smtpUrl));
    this.#retryDelaysMs = Object.freeze([...(options.retryDelaysMs ?? defaultRetryDelaysMs)]);
    this.#pollIntervalMs = options.pollIntervalMs ?? 30_000;
  }

  start(): void {
    this.#unsubscribe = this.#runtime.eventBus.subscribe(() => this.wake());
    this.#timer = setInterval(() => this.wake(), this.#pollIntervalMs);
    this.#timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
    this.#transport?.close();
  }

  /**
   * Runs one pass after the current one; passes never overlap within a process. Wakes while a pass
   * waits to start share it: a burst of commits (every SCIM write wakes us) costs one pass.
   */
  wake(): void {
    if (this.#passQueued) return;
    this.#passQueued = true;
    this.#running = this.#running.then(() => {
      this.#passQueued = false;
      return this.sendDue().catch((error: unknown) =>
        this.#runtime.logger.error({ err: error }, 'enrollment mailer failed'),
      );
    });
  }

  /** Sends every due email once; returns how many were sent and how many failed this pass. */
  async sendDue(): Promise<{ sent: number; failed: number }> {
    const result = { sent: 0, failed: 0 };
    const db = this.#runtime.store.db;
    // One attempt per email per pass: a failure due again at once waits for the next pass.
    const attempted = new Set<string>();
    for (;;) {
      const now = isoNow(this.#runtime.clock);
      const due = (await dueEnrollmentEmails(db, now, 50 + attempted.size)).filter(
        (email) => !attempted.has(email.id),
      );
      if (due.length === 0) return result;
      for (const email of due) {
        attempted.add(email.id);
        const leaseUntil = new Date(Date.parse(now) + sendLeaseMs).toISOString();
        if (!(await claimEnrollmentEmail(db, email.id, now, leaseUntil))) continue;
        if (await this.#send(email)) result.sent += 1;
        else result.failed += 1;
      }
    }
  }

  async #send(email: EnrollmentEmail): Promise<boolean> {
    const db = this.#runtime.store.db;
    try {
      if (this.#transport === undefined) throw new Error('SMTP is not configured (set ROSTER_SMTP_URL)');
      const message = renderEnrollmentEmail(email.data, this.#runtime.config.publicUrl);
      await this.#transport.sendMail({
        from: this.#runtime.config.mailFrom,
        to: email.recipient,
        ...message,
      });
      await recordEnrollmentAttempt(db, email.id, { sentAt: isoNow(this.#runtime.clock) });
      return true;
    } catch (error) {
      const delay = this.#retryDelaysMs[email.attempts];
      const nextAttemptAt =
        delay === undefined ? null : new Date(this.#runtime.clock.now().getTime() + delay).toISOString();
      const reason = error instanceof Error ? error.message : String(error);
      await recordEnrollmentAttempt(db, email.id, { error: reason, nextAttemptAt });
      this.#runtime.logger.warn(
        {
          emailId: email.id,
          userId: email.userId,
          attempt: email.attempts + 1,
          willRetry: nextAttemptAt !== null,
          reason,
        },
        'enrollment email not sent',
      );
      return false;
    }
  }
}

/** Starts the mailer for `roster serve`; stop it before closing the runtime. */
export function startEnrollmentMailer(
  runtime: Runtime,
  options: EnrollmentMailerOptions = {},
): EnrollmentMailer {
  const mailer = new EnrollmentMailer(runtime, options);
  mailer.start();
  return mailer;
}
