import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningPoller } from '../../src/modules/email/imap/plugin.js';
import { MailboxPoller } from '../../src/modules/email/imap/poller.js';
import { SealedBox } from '../../src/platform/secrets/sealed-box.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';
import { mailRows } from '../support/mail-rows.js';
import type { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19, mailbox polling: mail a provider delivered into a real Dovecot mailbox is taken in over
 * IMAP (IDLE), becomes tickets and replies like SMTP mail, and is moved to the done folder, never
 * deleted. The provider's Authentication-Results count only from the trusted authserv-id. The
 * password is sealed in the database and never comes back out of the API.
 */
const SUPPORT = 'support@help.example';
const PASSWORD = 'app-password-7f3k';
const TRUSTED = 'mx.provider.example';
let dovecot: Dovecot;
let t: TestApp;
let admin: SessionClient;
let mailboxId: string;
const html = { accept: 'text/html' };

beforeAll(async () => {
  dovecot = await startDovecot();
  await dovecot.addUser(SUPPORT, PASSWORD);
  t = await buildTestApp({
    runsJobs: true,
    env: { SUPPORT_ADDRESSES: SUPPORT, MFA_REQUIRED_ROLES: 'none', MAIL_POLL_SECONDS: '30' },
  });
  ({ client: admin } = await createSignedIn(t, ['admin']));
  const created = await admin.post('/api/v1/mail/mailboxes', {
    name: 'Support',
    host: dovecot.host,
    port: dovecot.port,
    tls: 'none',
    username: SUPPORT,
    password: PASSWORD,
    trustedAuthservId: TRUSTED,
  });
  expect(created.statusCode, created.body).toBe(201);
  mailboxId = created.json().id;
});
afterAll(async () => {
  await t?.close();
  await dovecot?.stop();
});

const db = () => t.platform.database.system;
const { settled, ticketsOf, bodiesOf, outboxTo } = mailRows(() => t, 20_000);
const mailbox = () =>
  db().selectFrom('mail_mailboxes').selectAll().where('id', '=', mailboxId).executeTakeFirstOrThrow();

let seq = 0;
const id = (label: string) => `<${label}-${Date.now()}-${++seq}@customer.example>`;
const address = (name: string) => `${name}${++seq}-${Date.now()}@customer.example`;

/** A message as a provider stores it: headers (Authentication-Results on top when given), then text. */
function message(fields: {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  text: string;
  cc?: string;
  inReplyTo?: string;
  authenticationResults?: string;
}): string {
  return [
    ...(fields.authenticationResults ? [`Authentication-Results: ${fields.authenticationResults}`] : []),
    `From: ${fields.from}`,
    `To: ${fields.to}`,
    ...(fields.cc ? [`Cc: ${fields.cc}`] : []),
    `Subject: ${fields.subject}`,
    `Message-ID: ${fields.messageId}`,
    ...(fields.inReplyTo ? [`In-Reply-To: ${fields.inReplyTo}`, `References: ${fields.inReplyTo}`] : []),
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    fields.text.replace(/\r?\n/g, '\r\n'),
    '',
  ].join('\r\n');
}

/** Delivers into the support mailbox as the provider would (IMAP APPEND). */
async function deliver(raw: string, folder = 'INBOX') {
  const client = await dovecot.client(SUPPORT, PASSWORD);
  try {
    await client.append(folder, raw);
  } finally {
    await client.logout();
  }
}

/** Message-IDs in a folder of the support mailbox, as Dovecot holds them. */
async function messageIdsIn(folder: string): Promise<string[]> {
  const client = await dovecot.client(SUPPORT, PASSWORD);
  try {
    const opened = await client.mailboxOpen(folder, { readOnly: true });
    if (opened.exists === 0) return [];
    const ids: string[] = [];
    for await (const m of client.fetch('1:*', { envelope: true })) ids.push(m.envelope?.messageId ?? '');
    return ids;
  } finally {
    await client.logout();
  }
}

describe('a mailbox polled over IMAP', () => {
  const customer = address('ada');
  const colleague = address('grace');
  const firstId = id('first');
  let ticket: { id: string; number: number };

  it('opens a ticket from a delivered mail and moves the mail to the done folder, not deleting it', async () => {
    await deliver(
      message({
        from: `Ada Lovelace <${customer}>`,
        to: SUPPORT,
        cc: colleague,
        subject: 'Scanner on floor 4 is offline',
        messageId: firstId,
        text: 'The scanner shows error E42 since this morning.\n\nAda',
      }),
    );
    const row = await settled(firstId);
    expect(row).toMatchObject({ source: 'imap', outcome: 'new-ticket', authentication: null });
    const [opened] = await ticketsOf(customer);
    expect(opened).toBeDefined();
    ticket = { id: opened!.id, number: Number(opened!.number) };
    expect((await bodiesOf(ticket.id))[0]).toContain('error E42');
    await waitFor(async () => (await messageIdsIn('Switchboard/Done')).includes(firstId), 10_000, 'moved');
    expect(await messageIdsIn('INBOX')).not.toContain(firstId);
    expect(await mailbox()).toMatchObject({ last_result: 'ok', last_error: null });
    expect(Number((await mailbox()).messages_taken)).toBeGreaterThanOrEqual(1);
  });

  it("takes the requester's reply, quoting the whole notification, into the same ticket with only the new text", async () => {
    const notice = await outboxTo(customer);
    const replyTo = notice.headers['Reply-To']!;
    const quoted = notice.body_text
      .split('\n')
      .map((line: string) => `> ${line}`)
      .join('\n');
    const replyId = id('reply');
    await deliver(
      message({
        from: customer,
        to: replyTo,
        subject: `Re: ${notice.subject}`,
        messageId: replyId,
        inReplyTo: notice.headers['Message-ID']!,
        text: `It is back online after a restart.\n\nOn Mon, 7 Dec 2026 at 10:12, Switchboard <${SUPPORT}> wrote:\n${quoted}`,
      }),
    );
    const row = await settled(replyId);
    expect(row).toMatchObject({ outcome: 'reply', ticket_id: ticket.id });
    const bodies = await bodiesOf(ticket.id);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe('It is back online after a restart.');
  });

  it("takes the CC'd colleague's reply into the same ticket", async () => {
    const replyId = id('colleague');
    await deliver(
      message({
        from: colleague,
        to: SUPPORT,
        subject: 'Re: Scanner on floor 4 is offline',
        messageId: replyId,
        inReplyTo: firstId,
        text: 'Same on floor 5.',
      }),
    );
    expect(await settled(replyId)).toMatchObject({ outcome: 'reply', ticket_id: ticket.id });
    expect(await bodiesOf(ticket.id)).toContain('Same on floor 5.');
  });

  it('takes the same Message-ID delivered again once: moved to done, no second message', async () => {
    const before = await mailbox();
    const messagesBefore = (await bodiesOf(ticket.id)).length;
    await deliver(
      message({
        from: `Ada Lovelace <${customer}>`,
        to: SUPPORT,
        subject: 'Scanner on floor 4 is offline',
        messageId: firstId,
        text: 'The scanner shows error E42 since this morning.\n\nAda',
      }),
    );
    await waitFor(
      async () => Number((await mailbox()).messages_duplicate) === Number(before.messages_duplicate) + 1,
      20_000,
      'the duplicate counted',
    );
    expect((await messageIdsIn('Switchboard/Done')).filter((m) => m === firstId)).toHaveLength(2);
    expect(await messageIdsIn('INBOX')).toEqual([]);
    const rows = await db()
      .selectFrom('mail_inbound')
      .select('id')
      .where('message_id', '=', firstId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(await ticketsOf(customer)).toHaveLength(1);
    expect(await bodiesOf(ticket.id)).toHaveLength(messagesBefore);
  });
});

describe("the provider's Authentication-Results", () => {
  it('quarantines a mail the trusted authserv-id says fails DMARC', async () => {
    const forgedId = id('forged');
    await deliver(
      message({
        authenticationResults: `${TRUSTED}; spf=fail smtp.mailfrom=bank.example; dkim=none; dmarc=fail (p=REJECT) header.from=bank.example`,
        from: 'ceo@bank.example',
        to: SUPPORT,
        subject: 'Wire the money',
        messageId: forgedId,
        text: 'Today, please.',
      }),
    );
    const row = await settled(forgedId);
    expect(row).toMatchObject({ state: 'quarantined', reason: 'authentication' });
    expect(row.authentication).toEqual({
      dmarc: { status: { result: 'fail' } },
      spf: { status: { result: 'fail' } },
      dkim: { results: [{ status: { result: 'none' } }] },
    });
    expect(await ticketsOf('ceo@bank.example')).toHaveLength(0);
  });

  it('ignores the same header from an authserv-id that is not trusted', async () => {
    const sender = address('honest');
    const mailId = id('untrusted');
    await deliver(
      message({
        authenticationResults: 'mx.elsewhere.example; dmarc=fail header.from=customer.example',
        from: sender,
        to: SUPPORT,
        subject: 'A real question',
        messageId: mailId,
        text: 'How do I reset my badge?',
      }),
    );
    expect(await settled(mailId)).toMatchObject({
      state: 'done',
      outcome: 'new-ticket',
      authentication: null,
    });
    expect(await ticketsOf(sender)).toHaveLength(1);
  });
});

describe('mailboxes as the administrator keeps them', () => {
  it('stores the password sealed and never returns it', async () => {
    const row = await mailbox();
    expect(row.password_sealed).not.toContain(PASSWORD);
    expect(new SealedBox(t.config.SECRET_KEY!, 'mail-mailbox').open(row.password_sealed)).toBe(PASSWORD);
    const list = await admin.get('/api/v1/mail/mailboxes');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(PASSWORD);
    expect(list.body).not.toContain(row.password_sealed);
    const [item] = list.json().items;
    expect(item).toMatchObject({ id: mailboxId, name: 'Support', lastResult: 'ok' });
    expect(Object.keys(item)).not.toContain('password');
    // A change that leaves the password out keeps it.
    const changed = await admin.patch(`/api/v1/mail/mailboxes/${mailboxId}`, {
      password: '',
      name: 'Support desk',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.body).not.toContain(PASSWORD);
    expect((await mailbox()).password_sealed).toBe(row.password_sealed);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target_id', '=', mailboxId)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['mail.mailbox_created', 'mail.mailbox_changed']);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('edits on the admin page: a blank password keeps the stored one, mistakes come back beside their fields', async () => {
    const before = await mailbox();
    const form = await admin.request('GET', `/admin/mail/mailboxes/${mailboxId}`, undefined, html);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${dovecot.port}"`);
    expect(form.body).not.toContain(PASSWORD);
    const fields = {
      name: before.name,
      host: dovecot.host,
      port: String(dovecot.port),
      tls: 'none',
      username: SUPPORT,
      password: '',
      folder: 'INBOX',
      doneFolder: 'Switchboard/Done',
      trustedAuthservId: TRUSTED,
      enabled: 'on',
    };
    const refused = await admin.post(
      `/admin/mail/mailboxes/${mailboxId}`,
      { ...fields, port: 'abc', doneFolder: 'inbox' },
      html,
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('The port is a number from 1 to 65535.');
    expect(refused.body).toContain('other than the folder read');
    const saved = await admin.post(`/admin/mail/mailboxes/${mailboxId}`, fields, html);
    expect(saved.statusCode).toBe(303);
    expect((await mailbox()).password_sealed).toBe(before.password_sealed);
    const confirm = await admin.request('GET', `/admin/mail/mailboxes/${mailboxId}/remove`, undefined, html);
    expect(confirm.body).toContain(`action="/admin/mail/mailboxes/${mailboxId}/remove"`);
    const tested = await admin.post(`/admin/mail/mailboxes/${mailboxId}/test`, {}, html);
    expect(tested.body).toContain(`Signed in to ${before.name}`);
  });

  it('answers bad input with problem+json', async () => {
    const bad = await admin.post('/api/v1/mail/mailboxes', { name: 'x', host: 'h', username: 'u' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const badHost = await admin.post('/api/v1/mail/mailboxes', {
      name: 'Bad host',
      host: 'not a host',
      username: 'u',
      password: 'p',
    });
    expect(badHost.statusCode).toBe(400);
    expect(badHost.headers['content-type']).toContain('application/problem+json');
    expect(badHost.json().errors[0].pointer).toBe('/body/host');
    const same = await admin.post('/api/v1/mail/mailboxes', {
      name: 'Support desk',
      host: 'imap.example.com',
      username: 'u',
      password: 'p',
    });
    expect(same.statusCode).toBe(409);
    const customer = (await createSignedIn(t, ['customer'])).client;
    expect((await customer.get('/api/v1/mail/mailboxes')).statusCode).toBe(403);
  });

  it('shows a wrong password as an error on the page and in the API, and picks up the fixed one without restart', async () => {
    const user = 'billing@help.example';
    await dovecot.addUser(user, 'right-password-1');
    const created = await admin.post('/api/v1/mail/mailboxes', {
      name: 'Billing',
      host: dovecot.host,
      port: dovecot.port,
      tls: 'none',
      username: user,
      password: 'wrong-password',
    });
    expect(created.statusCode).toBe(201);
    const billing = created.json().id as string;
    const item = async () =>
      (
        (await admin.get('/api/v1/mail/mailboxes')).json().items as {
          id: string;
          lastResult: string;
          lastError: string;
        }[]
      ).find((m) => m.id === billing)!;
    await waitFor(async () => (await item()).lastResult === 'failed', 20_000, 'the failed sign-in');
    expect((await item()).lastError).toContain('refused the user name or password');
    const page = await admin.request('GET', '/admin/mail/mailboxes', undefined, html);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Billing');
    expect(page.body).toContain('refused the user name or password');
    const tested = await admin.post(`/api/v1/mail/mailboxes/${billing}/test`);
    expect(tested.json()).toMatchObject({ ok: false });

    const fixed = await admin.patch(`/api/v1/mail/mailboxes/${billing}`, { password: 'right-password-1' });
    expect(fixed.statusCode).toBe(200);
    await waitFor(async () => (await item()).lastResult === 'ok', 20_000, 'the fixed password used');
    expect((await admin.post(`/api/v1/mail/mailboxes/${billing}/test`)).json()).toEqual({
      ok: true,
      messages: 0,
    });

    const removed = await admin.delete(`/api/v1/mail/mailboxes/${billing}`);
    expect(removed.statusCode).toBe(204);
    await waitFor(() => !runningPoller(t.platform)!.polling().includes(billing), 10_000, 'polling stopped');
    expect((await admin.get('/api/v1/mail/mailboxes')).json().items.map((m: { id: string }) => m.id)).toEqual(
      [mailboxId],
    );
  });

  it('is polled by one process at a time', async () => {
    expect(runningPoller(t.platform)!.polling()).toEqual([mailboxId]);
    const second = new MailboxPoller(t.platform, 1);
    await second.start();
    try {
      await second.sync();
      expect(second.polling()).toEqual([]);
    } finally {
      await second.stop();
    }
    // Mail still arrives through the first.
    const mailId = id('after');
    await deliver(
      message({
        from: address('later'),
        to: SUPPORT,
        subject: 'Later',
        messageId: mailId,
        text: 'Still there?',
      }),
    );
    expect(await settled(mailId)).toMatchObject({ source: 'imap', outcome: 'new-ticket' });
  });
});
