import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainText } from '../../src/modules/sms/outbound/ticket-reply.js';
import { createSignedIn } from '../support/actors.js';
import type { TestApp } from '../support/app.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import type { SessionClient } from '../support/session-client.js';
import { buildSmsApp, buyLine, customerWithPhone, textedAndRouted } from '../support/sms-app.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 20, texts out from the inbox: an agent's public reply on an SMS ticket goes to the
 * customer as a text from the line they wrote to; an internal note does not; a phone that sent
 * STOP refuses the reply itself (409, nothing written, nothing sent) until it sends START.
 */
let t: TestApp;
let twilio: FakeTwilio;
let close: () => Promise<void>;
let line: { id: string; e164: string };
let agent: SessionClient;

const system = () => t.platform.database.system;
const textsTo = (phone: string) => twilio.sent.filter((m) => m.to === phone);

/** A customer with a verified phone, and the SMS ticket their first text opened. */
async function customerTicket(phone: string) {
  const customer = await customerWithPhone(t, phone);
  const text = await textedAndRouted(t, twilio, phone, line.e164, 'My printer is offline');
  expect(text.outcome).toBe('new-ticket');
  return { customer, ticketId: text.ticket_id! };
}

const reply = (ticketId: string, body: string, visibility = 'public') =>
  agent.post(`/api/v1/tickets/${ticketId}/messages`, { body, visibility });

beforeAll(async () => {
  ({ t, twilio, close } = await buildSmsApp({ runsJobs: true }));
  line = await buyLine(t, '+14155550400');
  ({ client: agent } = await createSignedIn(t, ['agent']));
});
afterAll(() => close?.());

describe('an agent answering an SMS ticket', () => {
  it('texts the public reply from the line the customer wrote to, as plain text; a note stays inside', async () => {
    const phone = '+31612360001';
    const { customer, ticketId } = await customerTicket(phone);

    const note = await reply(ticketId, 'Internal: check their contract', 'internal');
    expect(note.statusCode, note.body).toBe(201);
    const answer = await reply(
      ticketId,
      'Please choose **Print as image**, see [the guide](https://example.com/p).',
    );
    expect(answer.statusCode, answer.body).toBe(201);

    await waitFor(() => textsTo(phone).length >= 1, 15_000, 'the reply texted');
    expect(textsTo(phone)).toHaveLength(1);
    expect(textsTo(phone)[0]).toMatchObject({
      from: line.e164,
      body: 'Please choose Print as image, see the guide (https://example.com/p).',
    });
    const row = await system()
      .selectFrom('sms_messages')
      .select(['kind', 'ticket_message_id', 'sent_by', 'status'])
      .where('ticket_id', '=', ticketId)
      .where('direction', '=', 'out')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'reply', ticket_message_id: answer.json().id });
    expect(row.sent_by).not.toBeNull();
    // The customer has the answer by text: no mail notice about it as well.
    const notices = await system()
      .selectFrom('ticket_notifications')
      .select('kind')
      .where('recipient_id', '=', customer.id)
      .where('kind', '=', 'agent_reply')
      .execute();
    expect(notices).toEqual([]);
  });

  it('refuses a reply to a phone that sent STOP (409, nothing written or sent) until it sends START', async () => {
    const phone = '+31612360002';
    const { ticketId } = await customerTicket(phone);
    expect((await textedAndRouted(t, twilio, phone, line.e164, 'STOP')).outcome).toBe('opt-out');
    await waitFor(() => textsTo(phone).length >= 1, 15_000, 'the STOP confirmation');
    const messagesBefore = await messageCount(ticketId);

    const refused = await reply(ticketId, 'Are you still there?');
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().detail).toContain('opted out');
    expect(await messageCount(ticketId)).toBe(messagesBefore);

    expect((await textedAndRouted(t, twilio, phone, line.e164, 'START')).outcome).toBe('opt-in');
    await waitFor(() => textsTo(phone).length >= 2, 15_000, 'the START confirmation');
    const answered = await reply(ticketId, 'Welcome back: is the printer online now?');
    expect(answered.statusCode, answered.body).toBe(201);
    await waitFor(() => textsTo(phone).length >= 3, 15_000, 'the reply after START');
    expect(textsTo(phone).map((m) => m.body)).not.toContain('Are you still there?');
    expect(textsTo(phone).at(-1)!.body).toBe('Welcome back: is the printer online now?');
    const ledger = await system()
      .selectFrom('sms_opt_outs')
      .select('opted_out')
      .where('number_id', '=', line.id)
      .where('phone', '=', phone)
      .orderBy('id')
      .execute();
    expect(ledger.map((r) => r.opted_out)).toEqual([true, false]);
  });
});

const messageCount = async (ticketId: string) =>
  Number(
    (
      await system()
        .selectFrom('ticket_messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('ticket_id', '=', ticketId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('plainText', () => {
  it('drops Markdown emphasis and code marks and keeps a link’s address', () => {
    expect(plainText('**bold**, __strong__, *it*, _em_ and `code`')).toBe('bold, strong, it, em and code');
    expect(plainText('[docs](https://x.example/a)')).toBe('docs (https://x.example/a)');
    expect(plainText('2 * 3 * 4 and snake_case_name stay')).toBe('2 * 3 * 4 and snake_case_name stay');
  });
});
