import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import type { TestApp } from '../support/app.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import type { SessionClient } from '../support/session-client.js';
import { buildSmsApp, buyLine, statusCallback, textedAndRouted } from '../support/sms-app.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 20, budgets: prices from status callbacks bring a person's budget to 100 %, and exactly
 * one 80 % mail and one 100 % mail go to the SMS administrators and to that person, also when the
 * crossing callbacks are processed at the same time; the hard stop then refuses their reply (409,
 * in English and Dutch, nothing sent) until the budget is removed or the month is over. A spent
 * team budget stops everyone's replies but not the answer to HELP. Agents cannot set budgets; a
 * bad amount is problem+json; every change is audited.
 */
let t: TestApp;
let twilio: FakeTwilio;
let close: () => Promise<void>;
let line: { id: string; e164: string };

const system = () => t.platform.database.system;
const callback = (form: Record<string, string>) => statusCallback(t, twilio, form);

/** The budget mails queued for `to`, by subject. */
const budgetMails = async (to: string) =>
  (
    await sql<{ subject: string }>`select data->>'subject' as subject from pgboss.job
      where name = 'send_mail' and data->>'to' = ${to} and data->>'subject' like '%budget%'
      order by created_on`.execute(system())
  ).rows.map((r) => r.subject);

/** A text out sent for `userId` (null: for nobody, such as an answer), priced later by a callback. */
async function sentFor(userId: string | null) {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  await system()
    .insertInto('sms_messages')
    .values({
      message_sid: sid,
      direction: 'out',
      number_id: line.id,
      phone: '+31612369999',
      body: 'Update',
      status: 'sent',
      kind: 'reply',
      segments: 1,
      sent_by: userId,
    })
    .execute();
  return sid;
}
/** A customer with a verified phone texts the line: the SMS ticket it opened. */
async function smsTicket(phone: string, body: string) {
  const customer = await createUser(t, ['customer']);
  await system()
    .updateTable('users')
    .set({ phone, phone_verified_at: new Date() })
    .where('id', '=', customer.id)
    .execute();
  return (await textedAndRouted(t, twilio, phone, line.e164, body)).ticket_id!;
}

const priced = (sid: string, price: string) =>
  callback({
    MessageSid: sid,
    MessageStatus: 'delivered',
    AccountSid: twilio.accountSid,
    Price: `-${price}`,
    PriceUnit: 'USD',
  });

beforeAll(async () => {
  ({ t, twilio, close } = await buildSmsApp({ runsJobs: true }));
  line = await buyLine(t, '+14155550700');
  // A team line without a fee, so the person's spending is their texts alone.
  await system().updateTable('sms_numbers').set({ monthly_price: null }).where('id', '=', line.id).execute();
});
afterAll(() => close?.());

describe('SMS budgets', () => {
  it('only SMS administrators set budgets; a bad amount is a problem', async () => {
    const agent = await signInAs(t.app, (await createUser(t, ['agent'])).email);
    const put = { userId: null, amount: '10' };
    expect((await agent.request('PUT', '/api/v1/sms/budgets', put)).statusCode).toBe(403);
    expect((await agent.get('/api/v1/sms/budgets')).statusCode).toBe(403);
    const admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
    const bad = await admin.request('PUT', '/api/v1/sms/budgets', { userId: null, amount: '-3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors[0].pointer).toBe('/body/amount');
    const nobody = { userId: '00000000-0000-4000-8000-000000000000', amount: '5' };
    expect((await admin.request('PUT', '/api/v1/sms/budgets', nobody)).statusCode).toBe(400);
  });

  it('mails 80 % and 100 % once each, even for concurrent callbacks; the hard stop refuses until lifted', async () => {
    const admin = await createUser(t, ['admin']);
    const adminClient = await signInAs(t.app, admin.email);
    const agentUser = await createUser(t, ['agent']);
    const agent: SessionClient = await signInAs(t.app, agentUser.email);
    const set = await adminClient.request('PUT', '/api/v1/sms/budgets', {
      userId: agentUser.id,
      amount: '1.00',
      hardStop: true,
    });
    expect(set.statusCode, set.body).toBe(200);
    const budget = set.json();
    expect(budget).toMatchObject({ scope: 'user', amount: '1.00', hardStop: true, percent: 0 });

    // 25 %, then four callbacks at once cross 80 % and 100 % together.
    const sids = await Promise.all([1, 2, 3, 4, 5].map(() => sentFor(agentUser.id)));
    expect((await priced(sids[0]!, '0.25000')).statusCode).toBe(200);
    expect(await budgetMails(admin.email)).toEqual([]);
    const answers = await Promise.all(sids.slice(1).map((sid) => priced(sid, '0.25000')));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    // Repeated callbacks (Twilio retries) add no mail.
    await Promise.all(sids.map((sid) => priced(sid, '0.25000')));
    for (const to of [admin.email, agentUser.email])
      expect((await budgetMails(to)).sort()).toEqual([
        `SMS budget of ${agentUser.display_name} at 100 %`,
        `SMS budget of ${agentUser.display_name} at 80 %`,
      ]);
    const listed = (await adminClient.get('/api/v1/sms/budgets')).json();
    expect(listed.items).toEqual([
      expect.objectContaining({ id: budget.id, spent: '1.25000', percent: 125 }),
    ]);

    // The hard stop: the agent's reply by text is refused, nothing written or sent.
    const phone = '+31612360077';
    const ticketId = await smsTicket(phone, 'Is my order on its way?');
    const reply = (body: string, headers: Record<string, string> = {}) =>
      agent.request('POST', `/api/v1/tickets/${ticketId}/messages`, { body, visibility: 'public' }, headers);
    const refused = await reply('It left today.');
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().detail).toContain('budget');
    const dutch = await reply('Het is vandaag verstuurd.', { 'accept-language': 'nl' });
    expect(dutch.statusCode).toBe(409);
    expect(dutch.json().detail).toContain('harde stop');
    const textsTo = () => twilio.sent.filter((m) => m.to === phone);
    expect(textsTo()).toEqual([]);

    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/switchboard_sms_budget_alerts\{threshold="80"\} 1/);
    expect(metrics.body).toMatch(/switchboard_sms_budget_alerts\{threshold="100"\} 1/);

    // Removing the budget lifts the stop.
    const removed = await adminClient.request('DELETE', `/api/v1/sms/budgets/${budget.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await reply('It left today.')).statusCode).toBe(201);
    await waitFor(() => textsTo().length === 1, 15_000, 'the reply texted');

    // Set again, it stops again; in a new month (this month's texts now last month's) it lets go.
    const again = { userId: agentUser.id, amount: '1', hardStop: true };
    expect((await adminClient.request('PUT', '/api/v1/sms/budgets', again)).statusCode).toBe(200);
    expect((await reply('Tracking follows.')).statusCode).toBe(409);
    await sql`update sms_messages set created_at = created_at - interval '32 days'
      where sent_by = ${agentUser.id}`.execute(system());
    expect((await reply('Tracking follows.')).statusCode).toBe(201);
    await waitFor(() => textsTo().length === 2, 15_000, 'the second reply texted');

    const audit = await system()
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'sms.budget_%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['sms.budget_set', 'sms.budget_removed', 'sms.budget_set']);
  }, 120_000);

  it('a spent team budget with a hard stop refuses every reply, yet HELP is still answered', async () => {
    const admin = await createUser(t, ['admin']);
    const adminClient = await signInAs(t.app, admin.email);
    const agent = await signInAs(t.app, (await createUser(t, ['agent'])).email);
    const team = { userId: null, amount: '0.50', hardStop: true };
    const set = await adminClient.request('PUT', '/api/v1/sms/budgets', team);
    expect(set.json()).toMatchObject({ scope: 'team', userId: null });
    const sid = await sentFor(null);
    expect((await priced(sid, '0.60000')).statusCode).toBe(200);
    expect((await budgetMails(admin.email)).sort()).toEqual([
      'SMS budget of the team at 100 %',
      'SMS budget of the team at 80 %',
    ]);

    const phone = '+31612360088';
    const ticketId = await smsTicket(phone, 'Hello?');
    const refused = await agent.request('POST', `/api/v1/tickets/${ticketId}/messages`, {
      body: 'Hi!',
      visibility: 'public',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('budget of the team');
    expect((await textedAndRouted(t, twilio, phone, line.e164, 'HELP')).outcome).toBe('help');
    await waitFor(() => twilio.sent.some((m) => m.to === phone), 15_000, 'the HELP answer');
    expect(twilio.sent.filter((m) => m.to === phone)).toHaveLength(1);
  }, 60_000);
});
