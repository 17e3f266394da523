import { randomBytes } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import type { TestApp } from '../support/app.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import { buildSmsApp, buyLine, SMS_PUBLIC_URL } from '../support/sms-app.js';

/**
 * Issue 20, cost: 1,000 texts out across 3 users and 2 numbers, priced by Twilio's status
 * callbacks (arriving twice, and a late "sent" after "delivered"), add up per user and per number
 * to the sum of their prices plus the numbers' monthly fees, in JSON and CSV.
 */
let t: TestApp;
let twilio: FakeTwilio;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ t, twilio, close } = await buildSmsApp());
});
afterAll(() => close?.());

const STATUS_URL = `${SMS_PUBLIC_URL}/webhooks/twilio/status`;
const callback = (form: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/webhooks/twilio/status',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': getExpectedTwilioSignature(twilio.authToken, STATUS_URL, form),
    },
    payload: new URLSearchParams(form).toString(),
  });

describe('usage and cost', () => {
  it('adds 1,000 callback prices up per user and per number, fees included', async () => {
    const db = t.platform.database.system;
    const lines = [await buyLine(t, '+14155550500'), await buyLine(t, '+14155550600')];
    const users = [
      await createUser(t, ['agent']),
      await createUser(t, ['agent']),
      await createUser(t, ['agent']),
    ];
    // The first line is the first user's own, at $1.15 a month; the second a team line at $1.00.
    await db
      .updateTable('sms_numbers')
      .set({ owner_id: users[0]!.id, monthly_price: '1.15' })
      .where('id', '=', lines[0]!.id)
      .execute();
    await db
      .updateTable('sms_numbers')
      .set({ monthly_price: '1.00' })
      .where('id', '=', lines[1]!.id)
      .execute();
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      message_sid: `SM${randomBytes(16).toString('hex')}`,
      direction: 'out' as const,
      number_id: lines[i % 2]!.id,
      phone: `+3161237${String(i).padStart(4, '0')}`,
      body: `Update ${i}`,
      status: 'sent',
      kind: 'reply' as const,
      segments: 1 + (i % 3),
      sent_by: users[i % 3]!.id,
      // Cents in integers, so the expected sums are exact.
      cents: 75 + (i % 7) * 25,
    }));
    await db
      .insertInto('sms_messages')
      .values(rows.map(({ cents: _, ...r }) => r))
      .execute();
    for (const r of rows) {
      const form = {
        MessageSid: r.message_sid,
        MessageStatus: 'delivered',
        AccountSid: twilio.accountSid,
        Price: `-${(r.cents / 10_000).toFixed(5)}`,
        PriceUnit: 'USD',
      };
      expect((await callback(form)).statusCode).toBe(200);
    }
    // Repeated and out of order: a second "delivered" and a late "sent" change nothing.
    const first = rows[0]!;
    const late = { MessageSid: first.message_sid, MessageStatus: 'sent', AccountSid: twilio.accountSid };
    expect((await callback(late)).statusCode).toBe(200);
    expect(
      (
        await db
          .selectFrom('sms_messages')
          .select('status')
          .where('message_sid', '=', first.message_sid)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('delivered');

    const sum = (pick: (r: (typeof rows)[number]) => boolean, fee = 0) =>
      ((rows.filter(pick).reduce((n, r) => n + r.cents, 0) + fee * 10_000) / 10_000).toFixed(5);
    const admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
    const usage = await admin.get('/api/v1/sms/usage');
    expect(usage.statusCode).toBe(200);
    const body = usage.json();
    expect(body.numbers).toEqual([
      {
        key: lines[0]!.id,
        name: '+14155550500',
        texts: 500,
        segments: expect.any(Number),
        cost: sum((r) => r.number_id === lines[0]!.id, 1.15),
      },
      {
        key: lines[1]!.id,
        name: '+14155550600',
        texts: 500,
        segments: expect.any(Number),
        cost: sum((r) => r.number_id === lines[1]!.id, 1),
      },
    ]);
    const byUser = new Map(body.users.map((u: { key: string; cost: string; texts: number }) => [u.key, u]));
    expect(byUser.size).toBe(3);
    for (const [i, user] of users.entries())
      expect(byUser.get(user.id)).toMatchObject({
        texts: rows.filter((r) => r.sent_by === user.id).length,
        cost: sum((r) => r.sent_by === user.id, i === 0 ? 1.15 : 0),
      });
    const segments = body.numbers.reduce((n: number, r: { segments: number }) => n + r.segments, 0);
    expect(segments).toBe(rows.reduce((n, r) => n + r.segments, 0));

    const csv = await admin.get(`/api/v1/sms/usage.csv?month=${body.month}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('"month","kind","id","name","texts","segments","cost"');
    // A leading + would make a spreadsheet read the number as a formula: it is kept as text.
    expect(csv.body).toContain(`"${body.month}","number","${lines[0]!.id}","'+14155550500","500",`);
    expect((await admin.get('/api/v1/sms/usage?month=2026-13')).statusCode).toBe(400);
    const empty = (await admin.get('/api/v1/sms/usage?month=2020-01')).json();
    expect(empty).toEqual({ month: '2020-01', numbers: [], users: [] });

    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/switchboard_sms_out_total\{status="delivered"\} 1000/);
  }, 120_000);

  it('writes a name that looks like a formula into the CSV as text', async () => {
    const { usageCsv } = await import('../../src/modules/sms/usage/csv.js');
    const csv = usageCsv(
      '2026-12',
      [],
      [{ key: 'u', name: '=HYPERLINK("http://evil")', texts: 1, segments: 1, cost: '0.01000' }],
    );
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});
