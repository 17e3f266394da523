import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import worker from '../../docs/email-worker.js';
import { forwardSignature } from '../../src/modules/email/forward/signature.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19: raw mail forwarded by a routing worker (docs/email-worker.js, run here as a Cloudflare
 * Email Worker would run it) is signed over its body and a timestamp; a bad, stale or replayed
 * signature is 401 and stores nothing.
 */
const SECRET = 'forwarding-secret-that-is-long-enough-123456';
let t: TestApp;
let baseUrl: string;

beforeAll(async () => {
  t = await buildTestApp({
    runsJobs: true,
    env: { SUPPORT_ADDRESSES: 'help@desk.example', MAIL_FORWARD_SECRET: SECRET },
  });
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => t?.close());

let n = 0;
const rawMail = (from: string, subject: string) => {
  const messageId = `<fwd-${Date.now()}-${++n}@sender.example>`;
  const raw = Buffer.from(
    [
      `From: ${from}`,
      'To: help@desk.example',
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      'Date: Mon, 07 Dec 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The VPN drops every ten minutes.',
      '',
    ].join('\r\n'),
  );
  return { raw, messageId };
};
const stored = (messageId: string) =>
  t.platform.database.system
    .selectFrom('mail_inbound')
    .selectAll()
    .where('message_id', '=', messageId)
    .executeTakeFirst();
const post = (raw: Buffer, headers: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/mail/inbound',
    headers: { 'content-type': 'message/rfc822', ...headers },
    payload: raw,
  });
const now = () => String(Math.floor(Date.now() / 1000));

describe('the forwarding endpoint', () => {
  it('takes a mail from the example worker and opens a ticket', async () => {
    const from = `fwd${Date.now()}@sender.example`;
    const { raw, messageId } = rawMail(from, 'VPN keeps dropping');
    const rejected: string[] = [];
    await worker.email(
      { raw: new Response(raw).body, setReject: (reason: string) => rejected.push(reason) },
      { SWITCHBOARD_URL: baseUrl, MAIL_FORWARD_SECRET: SECRET },
    );
    expect(rejected).toEqual([]);
    await waitFor(async () => (await stored(messageId))?.state === 'done', 15_000, 'forwarded mail');
    expect((await stored(messageId))!.outcome).toBe('new-ticket');
    const ticket = await t.platform.database.system
      .selectFrom('tickets')
      .innerJoin('users', 'users.id', 'tickets.requester_id')
      .select(['tickets.subject', 'tickets.channel'])
      .where('users.email', '=', from)
      .executeTakeFirst();
    expect(ticket).toEqual({ subject: 'VPN keeps dropping', channel: 'email' });
  });

  it('carries the whole flow: a file, the requester answering the receipt, a CC’d colleague answering', async () => {
    const from = `flow${Date.now()}@sender.example`;
    const colleague = `colleague${Date.now()}@sender.example`;
    const forward = async (lines: string[]) => {
      const rejected: string[] = [];
      const raw = Buffer.from(lines.join('\r\n'));
      await worker.email(
        { raw: new Response(raw).body, setReject: (reason: string) => rejected.push(reason) },
        { SWITCHBOARD_URL: baseUrl, MAIL_FORWARD_SECRET: SECRET },
      );
      expect(rejected).toEqual([]);
    };
    const settled = async (messageId: string) => {
      await waitFor(async () => (await stored(messageId))?.state === 'done', 15_000, messageId);
      return (await stored(messageId))!;
    };
    const firstId = `<flow-${Date.now()}@sender.example>`;
    await forward([
      `From: ${from}`,
      'To: help@desk.example',
      `Cc: ${colleague}`,
      'Subject: Scanner offline',
      `Message-ID: ${firstId}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="X"',
      '',
      '--X',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The scanner on floor 3 is offline.',
      '--X',
      'Content-Type: text/plain; name="scanner.log"',
      'Content-Disposition: attachment; filename="scanner.log"',
      '',
      'E042 network unreachable',
      '--X--',
      '',
    ]);
    const first = await settled(firstId);
    expect(first.outcome).toBe('new-ticket');
    const ticketId = first.ticket_id!;
    const files = await t.platform.database.system
      .selectFrom('ticket_attachments')
      .select('filename')
      .where('ticket_id', '=', ticketId)
      .execute();
    expect(files.map((f) => f.filename)).toEqual(['scanner.log']);
    // The receipt the requester got: they answer it, quoting all of it.
    await waitFor(
      async () =>
        (await t.platform.database.system
          .selectFrom('outbox_messages')
          .select('id')
          .where('recipient', '=', from)
          .executeTakeFirst()) !== undefined,
      15_000,
      'receipt',
    );
    const receipt = await t.platform.database.system
      .selectFrom('outbox_messages')
      .selectAll()
      .where('recipient', '=', from)
      .executeTakeFirstOrThrow();
    const replyId = `<flow-reply-${Date.now()}@sender.example>`;
    await forward([
      `From: ${from}`,
      `To: ${receipt.headers['Reply-To']}`,
      `Subject: Re: ${receipt.subject}`,
      `Message-ID: ${replyId}`,
      `In-Reply-To: ${receipt.headers['Message-ID']}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'It is back after a restart.',
      '',
      `On Mon, 7 Dec 2026 at 09:01, Help <help@desk.example> wrote:`,
      ...receipt.body_text.split('\n').map((line) => `> ${line}`),
      '',
    ]);
    expect(await settled(replyId)).toMatchObject({ outcome: 'reply', ticket_id: ticketId });
    const colleagueId = `<flow-cc-${Date.now()}@sender.example>`;
    await forward([
      `From: ${colleague}`,
      'To: help@desk.example',
      'Subject: Re: Scanner offline',
      `Message-ID: ${colleagueId}`,
      `In-Reply-To: ${firstId}`,
      `References: ${firstId}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Mine works again too.',
      '',
    ]);
    expect(await settled(colleagueId)).toMatchObject({ outcome: 'reply', ticket_id: ticketId });
    const bodies = await t.platform.database.system
      .selectFrom('ticket_messages')
      .select('body')
      .where('ticket_id', '=', ticketId)
      .orderBy('created_at')
      .execute();
    expect(bodies.map((b) => b.body)).toEqual([
      'The scanner on floor 3 is offline.',
      'It is back after a restart.',
      'Mine works again too.',
    ]);
  });

  it('refuses a wrong, stale, missing or replayed signature with 401, storing nothing', async () => {
    const { raw, messageId } = rawMail('x@sender.example', 'Forged');
    const timestamp = now();
    const wrongKey = await post(raw, {
      'x-switchboard-timestamp': timestamp,
      'x-switchboard-signature': forwardSignature('another-secret-that-is-long-enough-000', timestamp, raw),
    });
    expect(wrongKey.statusCode).toBe(401);
    expect(wrongKey.headers['content-type']).toContain('application/problem+json');
    const tampered = await post(Buffer.concat([raw, Buffer.from('P.S. wire money')]), {
      'x-switchboard-timestamp': timestamp,
      'x-switchboard-signature': forwardSignature(SECRET, timestamp, raw),
    });
    expect(tampered.statusCode).toBe(401);
    const old = String(Number(timestamp) - 3600);
    const stale = await post(raw, {
      'x-switchboard-timestamp': old,
      'x-switchboard-signature': forwardSignature(SECRET, old, raw),
    });
    expect(stale.statusCode).toBe(401);
    expect((await post(raw, {})).statusCode).toBe(401);
    expect(await stored(messageId)).toBeUndefined();

    const signed = {
      'x-switchboard-timestamp': timestamp,
      'x-switchboard-signature': forwardSignature(SECRET, timestamp, raw),
    };
    expect((await post(raw, signed)).statusCode).toBe(202);
    const replay = await post(raw, signed);
    expect(replay.statusCode).toBe(401);
    const rows = await t.platform.database.system
      .selectFrom('mail_inbound')
      .select('id')
      .where('message_id', '=', messageId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('takes the same mail sent again with a fresh signature once (a retried worker)', async () => {
    const { raw, messageId } = rawMail(`again${Date.now()}@sender.example`, 'Twice');
    for (const timestamp of [now(), String(Number(now()) + 1)]) {
      const res = await post(raw, {
        'x-switchboard-timestamp': timestamp,
        'x-switchboard-signature': forwardSignature(SECRET, timestamp, raw),
      });
      expect(res.statusCode).toBe(202);
    }
    const rows = await t.platform.database.system
      .selectFrom('mail_inbound')
      .select('id')
      .where('message_id', '=', messageId)
      .execute();
    expect(rows).toHaveLength(1);
  });
});
