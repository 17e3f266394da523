import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardSignature } from '../../src/modules/email/forward/signature.js';
import { checkIdOf, checkTag } from '../../src/modules/email/inbound/check.js';
import { acceptMail } from '../../src/modules/email/index.js';
import { freePort } from '../../src/platform/process/free-port.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19: "send a test mail to yourself and watch it come back". The app's outgoing mailer is
 * pointed (MAIL_TRANSPORT=smtp) at the app's own SMTP listener, so the test mail really leaves
 * through the send_mail job and really comes back in through SMTP; the pipeline recognises its
 * signed check tag, records the round trip and drops the mail without a ticket. A forged or stale
 * tag marks nothing. Mail that never becomes a stored row (SMTP refusals, duplicates) is counted.
 */
const SUPPORT = 'support@check.example';
const FROM = 'desk@check.example';
const FORWARD_SECRET = 'check-forwarding-secret-that-is-long-enough';
let t: TestApp;
let admin: SessionClient;
let port: number;
const html = { accept: 'text/html' };

beforeAll(async () => {
  port = await freePort();
  t = await buildTestApp({
    runsJobs: true,
    env: {
      MFA_REQUIRED_ROLES: 'none',
      SUPPORT_ADDRESSES: SUPPORT,
      MAIL_FROM: `Switchboard <${FROM}>`,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      INBOUND_SMTP_PORT: String(port),
      INBOUND_SMTP_HOST: '127.0.0.1',
      MAIL_FORWARD_SECRET: FORWARD_SECRET,
    },
  });
  ({ client: admin } = await createSignedIn(t, ['admin']));
});
afterAll(() => t?.close());

const db = () => t.platform.database.system;
const check = (id: string) =>
  db().selectFrom('mail_checks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const newCheck = async () =>
  (
    await db()
      .insertInto('mail_checks')
      .values({ address: SUPPORT, sent_by: null })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
let n = 0;
const tagged = (tag: string, from = 'someone@sender.example') => {
  const messageId = `<check-${Date.now()}-${++n}@sender.example>`;
  const raw = Buffer.from(
    `From: ${from}\r\nTo: ${SUPPORT}\r\nSubject: Check ${n}\r\nMessage-ID: ${messageId}\r\nX-Switchboard-Check: ${tag}\r\n\r\nHello.\r\n`,
  );
  return { raw, messageId };
};
const inbound = (messageId: string) =>
  db().selectFrom('mail_inbound').selectAll().where('message_id', '=', messageId).executeTakeFirst();
const settled = async (messageId: string) => {
  await waitFor(async () => (await inbound(messageId))?.state !== 'pending', 15_000, messageId);
  return (await inbound(messageId))!;
};
const counted = async (outcome: string) =>
  Number(
    (await db().selectFrom('mail_in_counts').select('n').where('outcome', '=', outcome).executeTakeFirst())
      ?.n ?? 0,
  );

describe('the test mail', () => {
  it('goes out through the app’s mailer, comes back through the SMTP listener and is shown with its round trip', async () => {
    const sent = await admin.post('/admin/mail/checks', { address: SUPPORT }, html);
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toContain('done=checked');
    const row = await db()
      .selectFrom('mail_checks')
      .selectAll()
      .orderBy('sent_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.address).toBe(SUPPORT);

    await waitFor(async () => (await check(row.id)).received_at !== null, 20_000, 'the test mail back');
    const back = await check(row.id);
    expect(back.source).toBe('smtp');
    expect(back.received_at!.getTime()).toBeGreaterThanOrEqual(back.sent_at.getTime());
    // The mail itself: taken in by SMTP, dropped as a check, no ticket, no account for the sender.
    const mail = await db()
      .selectFrom('mail_inbound')
      .selectAll()
      .where('envelope_from', '=', FROM)
      .executeTakeFirstOrThrow();
    await settled(mail.message_id!);
    expect(await inbound(mail.message_id!)).toMatchObject({
      source: 'smtp',
      state: 'discarded',
      outcome: 'check',
    });
    expect((await inbound(mail.message_id!))!.ticket_id).toBeNull();
    expect(
      await db().selectFrom('users').select('id').where('email', '=', FROM).executeTakeFirst(),
    ).toBeUndefined();

    const page = await admin.request('GET', '/admin/mail/addresses', undefined, html);
    expect(page.body).toMatch(/came back after [\d.]+ s via SMTP/);
    const audit = await db()
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'mail.check_sent')
      .where('target_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ address: SUPPORT });
  }, 40_000);

  it('shows “not back yet” and refreshes while a test mail is on its way; only to a support address', async () => {
    await newCheck();
    const page = await admin.request('GET', '/admin/mail/addresses', undefined, html);
    expect(page.body).toContain('not back yet');
    expect(page.body).toMatch(/<meta http-equiv="refresh" content="\d+; url=\/admin\/mail\/addresses">/);
    const elsewhere = await admin.post('/admin/mail/checks', { address: 'someone@elsewhere.example' }, html);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.body).toContain('Choose one of the support addresses.');
  });

  it('is recognised by whichever path it comes back: the forwarding endpoint', async () => {
    const id = await newCheck();
    const { raw, messageId } = tagged(checkTag(id, t.config.SECRET_KEY!));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/mail/inbound',
      headers: {
        'content-type': 'message/rfc822',
        'x-switchboard-timestamp': timestamp,
        'x-switchboard-signature': forwardSignature(FORWARD_SECRET, timestamp, raw),
      },
      payload: raw,
    });
    expect(res.statusCode).toBe(202);
    expect((await settled(messageId)).outcome).toBe('check');
    expect(await check(id)).toMatchObject({ source: 'forward' });
  });

  it('is not marked by a forged tag, a stale one, or a second copy; such mail goes through as ordinary mail', async () => {
    const id = await newCheck();
    const forgedTag = `${id}.${'0'.repeat(64)}`;
    expect(checkIdOf(forgedTag, t.config.SECRET_KEY!)).toBeNull();
    expect(
      checkIdOf(checkTag(id, 'another-secret-key-that-is-long-enough-0123'), t.config.SECRET_KEY!),
    ).toBeNull();
    const forged = tagged(forgedTag);
    await acceptMail(t.platform, { raw: forged.raw, source: 'test' });
    expect((await settled(forged.messageId)).outcome).toBe('new-ticket');
    expect((await check(id)).received_at).toBeNull();

    const stale = await newCheck();
    await sql`update mail_checks set sent_at = now() - interval '2 hours' where id = ${stale}`.execute(db());
    const late = tagged(checkTag(stale, t.config.SECRET_KEY!), 'late@sender.example');
    await acceptMail(t.platform, { raw: late.raw, source: 'test' });
    expect((await settled(late.messageId)).outcome).not.toBe('check');
    expect((await check(stale)).received_at).toBeNull();

    const genuine = tagged(checkTag(id, t.config.SECRET_KEY!));
    await acceptMail(t.platform, { raw: genuine.raw, source: 'test' });
    expect((await settled(genuine.messageId)).outcome).toBe('check');
    const first = (await check(id)).received_at;
    expect(first).not.toBeNull();
    const copy = tagged(checkTag(id, t.config.SECRET_KEY!), 'copy@sender.example');
    await acceptMail(t.platform, { raw: copy.raw, source: 'test' });
    expect((await settled(copy.messageId)).outcome).not.toBe('check');
    expect((await check(id)).received_at).toEqual(first);
  }, 40_000);
});

describe('mail that never becomes a stored row', () => {
  it('counts SMTP refusals and duplicates, and /metrics folds them into switchboard_mail_in_total', async () => {
    const [rejectedBefore, duplicateBefore] = [await counted('rejected'), await counted('duplicate')];
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await expect(
      transport.sendMail({ from: 'x@sender.example', to: 'nobody@check.example', subject: 'Hi', text: 'Hi' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    // The listener counts a refusal after answering it (not in the SMTP reply's path): on a busy
    // CI machine that write has taken over 5 s.
    await waitFor(
      async () => (await counted('rejected')) === rejectedBefore + 1,
      15_000,
      'the refusal counted',
    );

    const { raw } = tagged('none', 'twice@sender.example');
    expect((await acceptMail(t.platform, { raw, source: 'test' })).duplicate).toBe(false);
    expect((await acceptMail(t.platform, { raw, source: 'test' })).duplicate).toBe(true);
    expect(await counted('duplicate')).toBe(duplicateBefore + 1);

    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const value = (outcome: string) =>
      Number(new RegExp(`switchboard_mail_in_total\\{outcome="${outcome}"\\} (\\d+)`).exec(metrics)?.[1]);
    expect(value('rejected')).toBe(rejectedBefore + 1);
    expect(value('duplicate')).toBe(duplicateBefore + 1);
    expect(value('check')).toBeGreaterThanOrEqual(2);
  }, 40_000);
});
