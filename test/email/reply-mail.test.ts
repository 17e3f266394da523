import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptMail } from '../../src/modules/email/index.js';
import { ticketFromAddress } from '../../src/platform/mail/threading/reply-address.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { form } from '../support/multipart.js';
import type { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19, mail out: the team's public replies go by mail to the requester of a ticket that came
 * by mail and to everyone copied, as HTML and text with their files, threaded and answerable;
 * agents add and remove the people copied; each message shows queued → sent, and a bounce marks
 * it undelivered, in the timeline, and tells the assignee. Agents open the original mail.
 */
const SUPPORT = 'help@out.example';
let t: TestApp;
let agent: SessionClient;
let agentId: string;
let customer: SessionClient;

beforeAll(async () => {
  t = await buildTestApp({
    runsJobs: true,
    env: { MFA_REQUIRED_ROLES: 'none', SUPPORT_ADDRESSES: SUPPORT, NOTIFY_DIGEST_DELAY_SECONDS: '0' },
  });
  ({ client: agent, id: agentId } = await createSignedIn(t, ['agent']));
  ({ client: customer } = await createSignedIn(t, ['customer']));
});
afterAll(() => t?.close());

const db = () => t.platform.database.system;
let n = 0;
const unique = (name: string) => `${name}${++n}-${Date.now()}@client.example`;

/** A customer's mail (with a CC) taken in: its ticket, once processed. */
async function mailedTicket(from: string, cc: string) {
  const messageId = `<m-${Date.now()}-${++n}@client.example>`;
  const raw = Buffer.from(
    `From: Ada <${from}>\r\nTo: ${SUPPORT}\r\nCc: ${cc}\r\nSubject: VPN drops hourly\r\nMessage-ID: ${messageId}\r\n\r\nIt drops every hour.\r\n`,
  );
  const stored = await acceptMail(t.platform, { raw, source: 'test' });
  let ticket: { id: string; number: string } | undefined;
  await waitFor(
    async () => {
      const row = await db()
        .selectFrom('mail_inbound')
        .innerJoin('tickets', 'tickets.id', 'mail_inbound.ticket_id')
        .select(['tickets.id', 'tickets.number', 'mail_inbound.ticket_message_id'])
        .where('mail_inbound.id', '=', stored.id!)
        .executeTakeFirst();
      ticket = row ? { id: row.id, number: String(row.number) } : undefined;
      return row !== undefined;
    },
    15_000,
    'ticket from mail',
  );
  return ticket!;
}

const outboxFor = (to: string) =>
  db().selectFrom('outbox_messages').selectAll().where('recipient', '=', to).orderBy('created_at').execute();

const delivery = async (messageId: string) =>
  (
    await db()
      .selectFrom('ticket_messages')
      .select('delivery_status')
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow()
  ).delivery_status;

/** A delivery status notification (RFC 3464) for `messageId`, as a mail server sends it. */
const dsn = (to: string, messageId: string, failed: string) =>
  Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.client.example>',
      `To: ${to}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn-${Date.now()}-${++n}@mx.client.example>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.client.example',
      '',
      `Final-Recipient: rfc822; ${failed}`,
      'Action: failed',
      'Status: 5.1.1',
      '',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${messageId}`,
      `To: ${failed}`,
      '',
      '--B--',
      '',
    ].join('\r\n'),
  );

describe('a team reply by mail', () => {
  let ticket: { id: string; number: string };
  let requester: string;
  let colleague: string;
  let replyId: string;

  it('goes to the requester and the CC as HTML and text with its file, threaded and answerable', async () => {
    requester = unique('ada');
    colleague = unique('grace');
    ticket = await mailedTicket(requester, colleague);
    const upload = form([{ name: 'file', filename: 'steps.txt', data: Buffer.from('1. restart\n') }]);
    const uploaded = await agent.request('POST', '/api/v1/uploads', upload.payload, upload.headers);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const replied = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'Please **restart** the VPN client.',
      attachmentIds: [uploaded.json().items[0].id],
    });
    expect(replied.statusCode, replied.body).toBe(201);
    replyId = replied.json().id;
    await waitFor(async () => (await delivery(replyId)) === 'sent', 15_000, 'reply mailed');
    for (const to of [requester, colleague]) {
      await waitFor(async () => (await outboxFor(to)).some((m) => m.subject?.startsWith('Re: ')), 15_000, to);
      const [mail, ...more] = (await outboxFor(to)).filter((m) => m.subject?.startsWith('Re: '));
      expect(more).toHaveLength(0);
      expect(mail!.subject).toBe(`Re: [SB-${ticket.number}] VPN drops hourly`);
      expect(mail!.body_text.startsWith('Please **restart** the VPN client.')).toBe(true);
      expect(mail!.body_html).toContain('<strong>restart</strong>');
      expect(mail!.headers['X-Attachments']).toContain('steps.txt');
      // A person's reply: not marked automatic (their own auto-replies may still answer it).
      expect(mail!.headers['Auto-Submitted']).toBeUndefined();
      // In-Reply-To names an earlier mail of this ticket (the customer's, or the receipt).
      const previous = await db()
        .selectFrom('ticket_mail_ids')
        .select('ticket_id')
        .where('message_id', '=', mail!.headers['In-Reply-To']!)
        .executeTakeFirst();
      expect(previous?.ticket_id).toBe(ticket.id);
      expect(mail!.headers.References).toContain('<m-');
      const answered = ticketFromAddress(mail!.headers['Reply-To']!, t.platform.config.SECRET_KEY!);
      expect(answered).toEqual({ ticketNumber: ticket.number, base: SUPPORT });
      // Its Message-ID is kept with the message, so a bounce can name it.
      const kept = await db()
        .selectFrom('ticket_mail_ids')
        .select('ticket_message_id')
        .where('message_id', '=', mail!.headers['Message-ID']!)
        .executeTakeFirst();
      expect(kept?.ticket_message_id).toBe(replyId);
    }
    // The requester got the reply itself, not also a notice of it.
    const notices = (await outboxFor(requester)).filter((m) => m.subject?.includes('New reply'));
    expect(notices).toHaveLength(0);
  });

  it('shows queued, sent and undelivered in the thread, and a bounce tells the assignee once', async () => {
    const current = await agent.get(`/api/v1/tickets/${ticket.id}`);
    const claimed = await agent.request(
      'PATCH',
      `/api/v1/tickets/${ticket.id}`,
      { assigneeId: agentId },
      { 'if-match': String(current.headers.etag) },
    );
    expect(claimed.statusCode, claimed.body).toBe(200);
    const [toColleague] = (await outboxFor(colleague)).filter((m) => m.subject?.startsWith('Re: '));
    const page = await agent.request('GET', `/inbox/SB-${ticket.number}`, undefined, { accept: 'text/html' });
    expect(page.body).toContain('data-testid="delivery">Mailed');
    const bounce = dsn(SUPPORT, toColleague!.headers['Message-ID']!, colleague);
    await acceptMail(t.platform, { raw: bounce, source: 'test', envelopeFrom: '' });
    await waitFor(async () => (await delivery(replyId)) === 'failed', 15_000, 'bounce');
    const after = await agent.request('GET', `/inbox/SB-${ticket.number}`, undefined, {
      accept: 'text/html',
    });
    expect(after.body).toContain('data-testid="delivery">Not delivered');
    expect(after.body).toContain(`reported that mail to ${colleague} was not delivered`);
    const agentEmail = (
      await db().selectFrom('users').select('email').where('id', '=', agentId).executeTakeFirstOrThrow()
    ).email;
    await waitFor(
      async () => (await outboxFor(agentEmail)).some((m) => m.subject?.includes('Reply not delivered')),
      15_000,
      'assignee told',
    );
    // The same report again (a second copy) tells no one twice.
    await acceptMail(t.platform, {
      raw: Buffer.from(bounce.toString().replace(/Message-ID: <dsn-/, 'Message-ID: <dsn-again-')),
      source: 'test',
    });
    await new Promise((r) => setTimeout(r, 1500));
    const told = (await outboxFor(agentEmail)).filter((m) => m.subject?.includes('Reply not delivered'));
    expect(told).toHaveLength(1);
    // Customers never see the bounce in their timeline.
    const events = await db()
      .selectFrom('ticket_events')
      .select('kind')
      .where('ticket_id', '=', ticket.id)
      .where('kind', '=', 'mail_undelivered')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('lets the team add and remove people copied; a removed person gets no more replies', async () => {
    const bad = await agent.post(`/api/v1/tickets/${ticket.id}/participants`, { email: 'not an address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors[0].pointer).toBe('/body/email');
    const injected = await agent.post(`/api/v1/tickets/${ticket.id}/participants`, {
      email: 'x@client.example\r\nBcc: all@evil.example',
    });
    expect(injected.statusCode).toBe(400);
    const self = await agent.post(`/api/v1/tickets/${ticket.id}/participants`, { email: requester });
    expect(self.statusCode).toBe(400);
    const twice = await agent.post(`/api/v1/tickets/${ticket.id}/participants`, { email: colleague });
    expect(twice.statusCode).toBe(400);
    const boss = unique('boss');
    const added = await agent.post(`/api/v1/tickets/${ticket.id}/participants`, {
      email: boss.toUpperCase(),
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().email).toBe(boss);
    const list = await agent.get(`/api/v1/tickets/${ticket.id}/participants`);
    expect(
      list
        .json()
        .items.map((p: { email: string }) => p.email)
        .sort(),
    ).toEqual([boss, colleague].sort());
    // Customers neither read nor change who is copied.
    expect((await customer.get(`/api/v1/tickets/${ticket.id}/participants`)).statusCode).toBe(403);
    expect(
      (await customer.post(`/api/v1/tickets/${ticket.id}/participants`, { email: unique('x') })).statusCode,
    ).toBe(403);
    const removed = await agent.delete(
      `/api/v1/tickets/${ticket.id}/participants/${encodeURIComponent(colleague)}`,
    );
    expect(removed.statusCode).toBe(204);
    const again = await agent.delete(
      `/api/v1/tickets/${ticket.id}/participants/${encodeURIComponent(colleague)}`,
    );
    expect(again.statusCode).toBe(400);
    const second = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Fixed on our side.' });
    const replies = async (to: string) =>
      (await outboxFor(to)).filter((m) => m.body_text.startsWith('Fixed on our side.')).length;
    await waitFor(
      async () => (await replies(boss)) + (await replies(requester)) === 2,
      15_000,
      'second reply',
    );
    expect(await delivery(second.json().id)).toBe('sent');
    expect(await replies(boss)).toBe(1);
    expect(await replies(requester)).toBe(1);
    expect(await replies(colleague)).toBe(0);
    // Internal notes go to no one.
    const note = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'Internal: check the firewall.',
      visibility: 'internal',
    });
    expect(note.statusCode).toBe(201);
    expect(await delivery(note.json().id)).toBe('received');
  });

  it('adds and removes people copied from the ticket page, asking first', async () => {
    const page = await agent.request('GET', `/inbox/SB-${ticket.number}`, undefined, { accept: 'text/html' });
    expect(page.body).toContain('action="/inbox/SB-');
    expect(page.body).toMatch(/data-confirm="Stop copying [^"]+ on this ticket\?/);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = (url: string, fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'same-origin',
        },
      });
    const refused = await post(`/inbox/SB-${ticket.number}/participants`, { participant: 'nope' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Give one email address');
    const person = unique('linus');
    const added = await post(`/inbox/SB-${ticket.number}/participants`, { participant: person });
    expect(added.statusCode).toBe(303);
    const shown = await agent.request('GET', `/inbox/SB-${ticket.number}`, undefined, {
      accept: 'text/html',
    });
    expect(shown.body).toContain(person);
    const removed = await post(`/inbox/SB-${ticket.number}/participants/remove`, { email: person });
    expect(removed.statusCode).toBe(303);
    const gone = await db()
      .selectFrom('ticket_participants')
      .select('email')
      .where('ticket_id', '=', ticket.id)
      .where('email', '=', person)
      .execute();
    expect(gone).toHaveLength(0);
  });

  it('opens the original mail from the thread for the team only', async () => {
    const first = await db()
      .selectFrom('ticket_messages')
      .select('id')
      .where('ticket_id', '=', ticket.id)
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const page = await agent.request('GET', `/inbox/SB-${ticket.number}`, undefined, { accept: 'text/html' });
    expect(page.body).toContain(`href="/inbox/messages/${first.id}/original"`);
    const original = await agent.request('GET', `/inbox/messages/${first.id}/original`, undefined, {
      accept: 'text/html',
    });
    expect(original.statusCode).toBe(200);
    expect(original.body).toContain('Cc: ' + colleague);
    const raw = await agent.get(`/inbox/messages/${first.id}/original.eml`);
    expect(raw.headers['content-type']).toContain('message/rfc822');
    expect((await simpleParser(raw.rawPayload)).subject).toBe('VPN drops hourly');
    expect((await customer.get(`/inbox/messages/${first.id}/original.eml`)).statusCode).toBe(403);
    // A message typed on the site has no original mail.
    const typed = await db()
      .selectFrom('ticket_messages')
      .select('id')
      .where('ticket_id', '=', ticket.id)
      .where('channel', '!=', 'email')
      .executeTakeFirstOrThrow();
    expect((await agent.get(`/inbox/messages/${typed.id}/original.eml`)).statusCode).toBe(404);
  });

  it('counts mail out by delivery state on /metrics', async () => {
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    const count = (state: string) =>
      Number(new RegExp(`switchboard_mail_out_total\\{state="${state}"\\} (\\d+)`).exec(metrics.body)?.[1]);
    expect(count('bounced')).toBeGreaterThanOrEqual(1);
    expect(count('sent')).toBeGreaterThanOrEqual(1);
  });
});
