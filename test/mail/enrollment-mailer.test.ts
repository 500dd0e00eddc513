import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { EnrollmentMailer } from '../../src/mail/enrollment-mailer.js';
import type { Store } from '../../src/store/database.js';
import { listEnrollmentEmails, retryEnrollmentEmail } from '../../src/store/enrollment.js';
import { engines, openTestStore } from '../support/engines.js';
import { policyBench, scimUser } from '../sync/support/policy-bench.js';
import { testRuntime } from '../sync/support/test-runtime.js';

interface Received {
  from: string;
  to: string[];
  body: string;
}

/** A real SMTP server on loopback: it refuses recipients at bounce.test with 550, as a mailbox that does not exist. */
async function startSmtp(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@bounce.test')) {
        callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        received.push({
          from: envelope.mailFrom === false ? '' : envelope.mailFrom.address,
          to: envelope.rcptTo.map((rcpt) => rcpt.address),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const engine of engines) {
  describe(`enrollment email over SMTP on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    before(async () => {
      ({ store, cleanup } = await openTestStore(engine));
      smtp = await startSmtp();
    });
    after(async () => {
      await smtp.close();
      await cleanup();
    });

    const policy = { newUsers: { enrollmentEmail: true } };
    const env = () => ({
      ROSTER_SMTP_URL: smtp.url,
      ROSTER_MAIL_FROM: 'Acme <noreply@acme.test>',
      ROSTER_PUBLIC_URL: 'https://roster.acme.test',
    });

    test('sends the new user one enrollment email after commit, and never again', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('ada')], { policy });
      const runtime = testRuntime(store, { env: env() });
      const mailer = new EnrollmentMailer(runtime);
      const before = smtp.received.length;
      assert.deepEqual(await mailer.sendDue(), { sent: 1, failed: 0 });
      const message = smtp.received.at(-1);
      assert.equal(smtp.received.length, before + 1);
      assert.deepEqual(message?.to, ['ada@acme.test']);
      assert.equal(message?.from, 'noreply@acme.test');
      assert.match(message?.body ?? '', /Subject: Your Acme account is ready/);
      assert.match(message?.body ?? '', /https:\/\/roster\.acme\.test\//);
      const [email] = await listEnrollmentEmails(store.db, bench.organizationId);
      assert.equal(email?.status, 'sent');
      assert.equal(email?.attempts, 1);
      assert.equal(email?.sentAt, runtime.clock.now().toISOString());
      assert.deepEqual(await mailer.sendDue(), { sent: 0, failed: 0 });
      await mailer.stop();
    });

    test('a refused recipient is retried with delays, then marked failed with the server answer', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('bob', { 'emails.work': 'bob@bounce.test' })], { policy });
      const runtime = testRuntime(store, { env: env() });
      const mailer = new EnrollmentMailer(runtime, { retryDelaysMs: [60_000] });
      assert.deepEqual(await mailer.sendDue(), { sent: 0, failed: 1 });
      let [email] = await listEnrollmentEmails(store.db, bench.organizationId);
      assert.equal(email?.status, 'pending');
      assert.equal(email?.attempts, 1);
      assert.match(email?.lastError ?? '', /550/);
      assert.deepEqual(await mailer.sendDue(), { sent: 0, failed: 0 }, 'not due before its retry time');
      runtime.clock.advance(60_000);
      assert.deepEqual(await mailer.sendDue(), { sent: 0, failed: 1 });
      [email] = await listEnrollmentEmails(store.db, bench.organizationId);
      assert.equal(email?.status, 'failed');
      assert.equal(email?.attempts, 2);
      runtime.clock.advance(3_600_000);
      assert.deepEqual(await mailer.sendDue(), { sent: 0, failed: 0 }, 'a failed email waits for an admin');
      assert.equal(
        await retryEnrollmentEmail(
          store.db,
          bench.organizationId,
          email?.id ?? '',
          runtime.clock.now().toISOString(),
        ),
        true,
      );
      assert.deepEqual(await mailer.sendDue(), { sent: 0, failed: 1 });
      await mailer.stop();
    });

    test('an unreachable SMTP server and a missing configuration are recorded, not lost', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('cy')], { policy });
      const unreachable = testRuntime(store, { env: { ROSTER_SMTP_URL: 'smtp://127.0.0.1:1' } });
      const mailer = new EnrollmentMailer(unreachable, { retryDelaysMs: [0] });
      assert.deepEqual(await mailer.sendDue(), { sent: 0, failed: 1 });
      let [email] = await listEnrollmentEmails(store.db, bench.organizationId);
      assert.match(email?.lastError ?? '', /ECONNREFUSED|connect/i);
      await mailer.stop();

      const unconfigured = new EnrollmentMailer(testRuntime(store), { retryDelaysMs: [] });
      assert.deepEqual(await unconfigured.sendDue(), { sent: 0, failed: 1 });
      [email] = await listEnrollmentEmails(store.db, bench.organizationId);
      assert.equal(email?.status, 'failed');
      assert.equal(email?.lastError, 'SMTP is not configured (set ROSTER_SMTP_URL)');
      await unconfigured.stop();
    });

    test('the running mailer is woken by the event bus after a commit', async () => {
      const bench = await policyBench(store);
      const runtime = testRuntime(store, { env: env() });
      const mailer = new EnrollmentMailer(runtime, { pollIntervalMs: 3_600_000 });
      mailer.start();
      const before = smtp.received.length;
      await bench.apply([scimUser('dee')], { policy });
      runtime.eventBus.notify(bench.organizationId);
      for (let i = 0; i < 100 && smtp.received.length === before; i += 1)
        await new Promise((r) => setTimeout(r, 20));
      await mailer.stop();
      assert.deepEqual(smtp.received.at(-1)?.to, ['dee@acme.test']);
    });
  });
}
