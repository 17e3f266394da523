import { generateKeyPairSync } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DnsResolver,
  releaseMail,
  type SmtpListener,
  startSmtpListener,
} from '../../src/modules/email/index.js';
import { replyAddressFor } from '../../src/platform/mail/threading/reply-address.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailRows } from '../support/mail-rows.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19: mail sent with nodemailer to the real SMTP listener (smtp-server, mailauth) becomes a
 * ticket; replies land in it by the signed reply address or by In-Reply-To, with only their new
 * text; nothing forged, misaddressed, automatic or repeated gets in. DNS for SPF and DMARC is
 * answered by this test: `forged.example` publishes `-all` and `p=reject`.
 */
const SUPPORT = 'support@help.example';
let t: TestApp;
let listener: SmtpListener;

/**
 * `signed.example` signs its mail with DKIM (selector `sb`) and sends from nowhere SPF allows, so
 * its mail passes DMARC only by a valid signature: a forger without the key fails it.
 */
const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const domainKey = rsaKey();
const forgersKey = rsaKey();
const pem = (key: ReturnType<typeof rsaKey>) =>
  key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const DKIM_RECORD = `v=DKIM1; k=rsa; p=${domainKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

const dns: DnsResolver = async (name, type) => {
  const records: Record<string, string[][]> = {
    'TXT forged.example': [['v=spf1 -all']],
    'TXT _dmarc.forged.example': [['v=DMARC1; p=reject']],
    'TXT signed.example': [['v=spf1 -all']],
    'TXT _dmarc.signed.example': [['v=DMARC1; p=reject']],
    // A long TXT record comes in strings of at most 255 characters.
    'TXT sb._domainkey.signed.example': [DKIM_RECORD.match(/.{1,255}/g)!],
  };
  const found = records[`${type} ${name}`];
  if (!found) throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
  return found;
};

beforeAll(async () => {
  t = await buildTestApp({
    runsJobs: true,
    env: { SUPPORT_ADDRESSES: SUPPORT, INBOUND_MAX_BYTES: '200000', EMAIL_NEW_TICKETS_PER_HOUR: '3' },
  });
  listener = await startSmtpListener(t.platform, { port: 0, host: '127.0.0.1', resolver: dns });
});
afterAll(async () => {
  await listener?.close();
  await t?.close();
});

const transport = () =>
  nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
const send = (mail: SendMailOptions) => transport().sendMail(mail);

const db = () => t.platform.database.system;
const messagesOf = (ticketId: string) =>
  db()
    .selectFrom('ticket_messages')
    .select(['body', 'author_id', 'channel'])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .execute();
const { inbound, settled, ticketsOf, outboxTo } = mailRows(() => t, 15_000);
const mailsOut = async () =>
  Number(
    (
      await db()
        .selectFrom('outbox_messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** A 1×1 PNG: what a pasted screenshot is, as small as it gets. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let seq = 0;
const uniqueAddress = (name: string) => `${name}${++seq}-${Date.now()}@customer.example`;
const id = (label: string) => `<${label}-${Date.now()}-${++seq}@customer.example>`;

describe('mail in through the SMTP listener', () => {
  let customer: string;
  let colleague: string;
  let ticket: { id: string; number: string };
  let firstId: string;

  it('opens a ticket for a new sender, with its attachment, its inline image and the CC as participant', async () => {
    customer = uniqueAddress('ada');
    colleague = uniqueAddress('grace');
    firstId = id('first');
    await send({
      from: `Ada Lovelace <${customer}>`,
      to: SUPPORT,
      cc: colleague,
      subject: 'Printer on floor 2 jams',
      text: 'Every page jams after the first.\n\nAda',
      html: '<p>Every page jams after the first.</p><p><img src="cid:photo@ada"></p><p>Ada</p>',
      messageId: firstId,
      attachments: [
        { filename: 'jam.txt', content: 'paper path log' },
        { filename: 'tray.png', content: PNG, cid: 'photo@ada', contentType: 'image/png' },
      ],
    });
    const row = await settled(firstId);
    expect(row.outcome).toBe('new-ticket');
    const [opened] = await ticketsOf(customer);
    expect(opened).toMatchObject({ subject: 'Printer on floor 2 jams', channel: 'email' });
    ticket = { id: opened!.id, number: String(opened!.number) };
    expect((await messagesOf(ticket.id))[0]!.body).toContain('Every page jams after the first.');
    // Both the attachment and the inline image are the first message's files, typed by their bytes.
    const files = await db()
      .selectFrom('ticket_attachments')
      .innerJoin('ticket_messages', 'ticket_messages.id', 'ticket_attachments.message_id')
      .select(['filename', 'content_type', 'size_bytes', 'storage_key'])
      .where('ticket_attachments.ticket_id', '=', ticket.id)
      .orderBy('filename')
      .execute();
    expect(files.map((f) => [f.filename, f.content_type])).toEqual([
      ['jam.txt', 'text/plain'],
      ['tray.png', 'image/png'],
    ]);
    expect(files[1]!.size_bytes).toBe(PNG.length);
    const stored = await t.platform.storage.get(files[1]!.storage_key);
    expect(Buffer.concat(await stored.toArray()).equals(PNG)).toBe(true);
    const participants = await db()
      .selectFrom('ticket_participants')
      .select('email')
      .where('ticket_id', '=', ticket.id)
      .execute();
    expect(participants.map((p) => p.email)).toEqual([colleague]);
    // The receipt goes out before the customer answers it (the next test), as in life; without this
    // wait a slow run could send the receipt after the reply and thread it to that instead.
    await outboxTo(customer);
  });

  it("takes the requester's reply by the signed reply address, quoting the whole notification, with only the new text", async () => {
    const replyId = id('reply');
    await send({
      from: customer,
      to: replyAddressFor(SUPPORT, ticket.number, t.config.SECRET_KEY!),
      subject: `Re: [SB-${ticket.number}] Printer on floor 2 jams`,
      text: [
        'It still jams, also on tray 2.',
        '',
        'On Mon, 7 Dec 2026 at 10:12, Switchboard <support@help.example> wrote:',
        '> Your ticket SB-1 was updated.',
        '> Every page jams after the first.',
      ].join('\n'),
      messageId: replyId,
    });
    expect((await settled(replyId)).outcome).toBe('reply');
    const bodies = (await messagesOf(ticket.id)).map((m) => m.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe('It still jams, also on tray 2.');
  });

  it('mails the requester a receipt that threads: signed Reply-To, [SB-n], its Message-ID kept, marked automatic', async () => {
    const receipt = await outboxTo(customer);
    expect(receipt.subject).toContain(`[SB-${ticket.number}]`);
    expect(receipt.headers['Reply-To']).toBe(replyAddressFor(SUPPORT, ticket.number, t.config.SECRET_KEY!));
    // RFC 3834: a receipt answers the customer's mail, so it is auto-replied.
    expect(receipt.headers['Auto-Submitted']).toBe('auto-replied');
    // The receipt answers the customer's own mail: it continues that thread.
    expect(receipt.headers['In-Reply-To']).toBe(firstId);
    const kept = await db()
      .selectFrom('ticket_mail_ids')
      .select(['ticket_id', 'direction'])
      .where('message_id', '=', receipt.headers['Message-ID']!)
      .executeTakeFirst();
    expect(kept).toEqual({ ticket_id: ticket.id, direction: 'out' });
  });

  it('drops its own receipt sent back by another help desk: no ticket, no mail, no loop', async () => {
    const receipt = await outboxTo(customer);
    const before = await mailsOut();
    const echoId = id('echo');
    await send({
      from: 'support@other-desk.example',
      to: SUPPORT,
      subject: `Re: ${receipt.subject}`,
      text: receipt.body_text,
      headers: { 'Auto-Submitted': 'auto-replied', 'In-Reply-To': receipt.headers['Message-ID']! },
      messageId: echoId,
    });
    expect(await settled(echoId)).toMatchObject({ state: 'discarded', outcome: 'auto-reply-dropped' });
    expect(await ticketsOf('support@other-desk.example')).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await mailsOut()).toBe(before);
  });

  it("takes the CC'd colleague's reply by In-Reply-To", async () => {
    const replyId = id('colleague');
    await send({
      from: colleague,
      to: SUPPORT,
      subject: 'Re: Printer on floor 2 jams',
      text: 'Same here on floor 3.',
      inReplyTo: firstId,
      references: [firstId],
      messageId: replyId,
    });
    expect((await settled(replyId)).outcome).toBe('reply');
    expect((await messagesOf(ticket.id)).map((m) => m.body)).toContain('Same here on floor 3.');
  });

  it("quarantines a stranger's mail with the ticket's subject key, and releasing it appends it", async () => {
    const stranger = uniqueAddress('mallory');
    const strangerId = id('stranger');
    await send({
      from: stranger,
      to: SUPPORT,
      subject: `Re: [SB-${ticket.number}] Printer on floor 2 jams`,
      text: 'Please send the invoice to my account instead.',
      messageId: strangerId,
    });
    const row = await settled(strangerId);
    expect(row).toMatchObject({ state: 'quarantined', reason: 'not-on-ticket' });
    expect((await messagesOf(ticket.id)).map((m) => m.body)).not.toContain(
      'Please send the invoice to my account instead.',
    );
    expect(await releaseMail(t.platform, row.id)).toBe(true);
    await waitFor(async () => (await inbound(strangerId))?.state === 'done', 15_000, 'release');
    expect((await messagesOf(ticket.id)).map((m) => m.body)).toContain(
      'Please send the invoice to my account instead.',
    );
    // Released once: a second release does nothing.
    expect(await releaseMail(t.platform, row.id)).toBe(false);
  });

  it('quarantines a forged From that fails DMARC, even with the signed reply address', async () => {
    const forgedId = id('forged');
    await t.platform.database.system
      .insertInto('ticket_participants')
      .values({ ticket_id: ticket.id, email: 'ceo@forged.example', added_by: null })
      .execute();
    await send({
      envelope: {
        from: 'ceo@forged.example',
        to: [replyAddressFor(SUPPORT, ticket.number, t.config.SECRET_KEY!)],
      },
      from: 'ceo@forged.example',
      to: replyAddressFor(SUPPORT, ticket.number, t.config.SECRET_KEY!),
      subject: 'Urgent',
      text: 'Wire the money today.',
      messageId: forgedId,
    });
    const row = await settled(forgedId);
    expect(row).toMatchObject({ state: 'quarantined', reason: 'authentication' });
    expect((row.authentication as { dmarc: { status: { result: string } } }).dmarc.status.result).toBe(
      'fail',
    );
    expect((await messagesOf(ticket.id)).map((m) => m.body)).not.toContain('Wire the money today.');
  });
});

describe('DKIM and DMARC, answered by the test’s own DNS', () => {
  const signedMail = (key: ReturnType<typeof rsaKey>, messageId: string, subject: string) =>
    nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: listener.port,
        secure: false,
        ignoreTLS: true,
        dkim: { domainName: 'signed.example', keySelector: 'sb', privateKey: pem(key) },
      })
      .sendMail({
        from: 'Lin <lin@signed.example>',
        to: SUPPORT,
        subject,
        text: 'The badge reader at the door is dead.',
        messageId,
      });

  it('takes a mail signed with the domain’s key: DKIM passes, so DMARC passes despite SPF', async () => {
    const messageId = id('dkim-good');
    await signedMail(domainKey, messageId, 'Badge reader');
    const row = await settled(messageId);
    expect(row).toMatchObject({ state: 'done', outcome: 'new-ticket' });
    const auth = row.authentication as {
      dkim: { results: { status: { result: string } }[] };
      spf: { status: { result: string } };
      dmarc: { status: { result: string } };
    };
    expect(auth.dkim.results[0]!.status.result).toBe('pass');
    expect(auth.spf.status.result).toBe('fail');
    expect(auth.dmarc.status.result).toBe('pass');
  });

  it('quarantines the same From signed with a forger’s key: DKIM and DMARC fail', async () => {
    const messageId = id('dkim-forged');
    await signedMail(forgersKey, messageId, 'Badge reader, urgent');
    const row = await settled(messageId);
    expect(row).toMatchObject({ state: 'quarantined', reason: 'authentication' });
    const auth = row.authentication as {
      dkim: { results: { status: { result: string } }[] };
      dmarc: { status: { result: string } };
    };
    expect(auth.dkim.results[0]!.status.result).toBe('fail');
    expect(auth.dmarc.status.result).toBe('fail');
    expect(await ticketsOf('lin@signed.example')).toHaveLength(1);
  });
});

describe('what the listener refuses or takes once', () => {
  it('refuses an unknown recipient and a forged reply tag at RCPT with 550', async () => {
    await expect(
      send({ from: uniqueAddress('x'), to: 'nobody@help.example', subject: 's', text: 't' }),
    ).rejects.toMatchObject({
      responseCode: 550,
    });
    await expect(
      send({
        from: uniqueAddress('x'),
        to: 'support+SB-10001.aaaaaaaaaa@help.example',
        subject: 's',
        text: 't',
      }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });

  it('answers 552 to a mail over INBOUND_MAX_BYTES and stores nothing', async () => {
    const big = id('big');
    await expect(
      send({
        from: uniqueAddress('big'),
        to: SUPPORT,
        subject: 'big',
        text: 'x'.repeat(300_000),
        messageId: big,
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(await inbound(big)).toBeUndefined();
  });

  it('stores the same Message-ID once, however often it comes', async () => {
    const sender = uniqueAddress('twice');
    const once = id('once');
    const mail = { from: sender, to: SUPPORT, subject: 'Twice sent', text: 'Hello', messageId: once };
    await send(mail);
    await send(mail);
    await settled(once);
    const rows = await db().selectFrom('mail_inbound').select('id').where('message_id', '=', once).execute();
    expect(rows).toHaveLength(1);
    expect(await ticketsOf(sender)).toHaveLength(1);
  });

  it('drops an out-of-office reply without opening a ticket', async () => {
    const sender = uniqueAddress('away');
    const away = id('away');
    await send({
      from: sender,
      to: SUPPORT,
      subject: 'Automatic reply: Printer',
      text: 'I am out of the office until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied' },
      messageId: away,
    });
    expect(await settled(away)).toMatchObject({ state: 'discarded', outcome: 'auto-reply-dropped' });
    expect(await ticketsOf(sender)).toHaveLength(0);
  });

  it('quarantines new tickets past EMAIL_NEW_TICKETS_PER_HOUR for one sender', async () => {
    const sender = uniqueAddress('storm');
    const ids = [id('s1'), id('s2'), id('s3'), id('s4')];
    for (const [i, messageId] of ids.entries())
      await send({ from: sender, to: SUPPORT, subject: `Storm ${i}`, text: 'again', messageId });
    const outcomes = [];
    for (const messageId of ids) outcomes.push((await settled(messageId)).outcome);
    expect(outcomes.filter((o) => o === 'new-ticket')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'quarantined')).toHaveLength(1);
    expect(await ticketsOf(sender)).toHaveLength(3);
  });
});
