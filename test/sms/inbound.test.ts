import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import type { TestApp } from '../support/app.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import { buildSmsApp, buyLine, customerWithPhone, SMS_PUBLIC_URL } from '../support/sms-app.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 20, texts in: Twilio's signed webhook stores a text by its MessageSid once, and the
 * routing job puts it on a ticket: a verified phone's texts to a team line continue its ticket,
 * an unknown phone becomes an unverified customer, MMS media are fetched only from Twilio's own
 * host. Forged, replayed, oversized and misaddressed calls store nothing and never answer 500.
 */
let t: TestApp;
let twilio: FakeTwilio;
let close: () => Promise<void>;
let teamLine: string;
let personalLine: string;
let owner: { id: string };
const WEBHOOK = '/webhooks/twilio/sms';

const system = () => t.platform.database.system;
const textRow = (sid: string) =>
  system().selectFrom('sms_messages').selectAll().where('message_sid', '=', sid).executeTakeFirst();
const routed = async (sid: string) => {
  await waitFor(async () => (await textRow(sid))?.processed_at != null, 15_000, `text ${sid} routed`);
  return (await textRow(sid))!;
};
const count = async (outcome: string) =>
  Number(
    (
      await system()
        .selectFrom('sms_webhook_counts')
        .select('n')
        .where('outcome', '=', outcome)
        .executeTakeFirst()
    )?.n ?? 0,
  );
const post = (form: Record<string, string>, headers: Record<string, string>, url = WEBHOOK) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString(),
  });
const sign = (
  form: Record<string, string>,
  url = `${SMS_PUBLIC_URL}${WEBHOOK}`,
  token = twilio.authToken,
) => ({
  'x-twilio-signature': getExpectedTwilioSignature(token, url, form),
});

const verifiedPhone = (phone: string) => customerWithPhone(t, phone);

beforeAll(async () => {
  ({ t, twilio, close } = await buildSmsApp({ runsJobs: true }));
  teamLine = (await buyLine(t, '+14155550100')).e164;
  owner = await createUser(t, ['agent']);
  personalLine = (await buyLine(t, '+14155550200', owner.id)).e164;
});
afterAll(() => close?.());

describe('texts in', () => {
  it('a verified phone’s texts to a team line open an SMS ticket, and the next one continues it', async () => {
    const customer = await verifiedPhone('+31612340001');
    const first = await twilio.text({
      from: '+31612340001',
      to: teamLine,
      body: 'My router is blinking red',
    });
    expect(first.status).toBe(200);
    expect(first.body).toContain('<Response></Response>');
    const row = await routed(first.sid);
    expect(row.outcome).toBe('new-ticket');
    const ticket = await system()
      .selectFrom('tickets')
      .select(['subject', 'channel', 'requester_id'])
      .where('id', '=', row.ticket_id!)
      .executeTakeFirstOrThrow();
    expect(ticket).toEqual({
      subject: 'My router is blinking red',
      channel: 'sms',
      requester_id: customer.id,
    });

    const second = await twilio.text({ from: '+31612340001', to: teamLine, body: 'Still blinking' });
    const next = await routed(second.sid);
    expect(next).toMatchObject({ outcome: 'reply', ticket_id: row.ticket_id });
    const bodies = await system()
      .selectFrom('ticket_messages')
      .select(['body', 'channel'])
      .where('ticket_id', '=', row.ticket_id!)
      .orderBy('created_at')
      .execute();
    expect(bodies).toEqual([
      { body: 'My router is blinking red', channel: 'sms' },
      { body: 'Still blinking', channel: 'sms' },
    ]);
  });

  it('the same MessageSid twice is one message', async () => {
    const form = twilio.textForm({ from: '+31612340002', to: teamLine, body: 'Twice?' });
    const a = await post(form, sign(form));
    const b = await post(form, sign(form));
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    await routed(form.MessageSid!);
    const rows = await system()
      .selectFrom('sms_messages')
      .select('id')
      .where('message_sid', '=', form.MessageSid!)
      .execute();
    expect(rows).toHaveLength(1);
    expect(await count('duplicate')).toBeGreaterThanOrEqual(1);
  });

  it('an unknown phone becomes a new unverified customer carrying that phone', async () => {
    const sent = await twilio.text({ from: '+31612340003', to: teamLine, body: 'Hello?' });
    const row = await routed(sent.sid);
    expect(row.outcome).toBe('new-ticket');
    const requester = await system()
      .selectFrom('tickets')
      .innerJoin('users', 'users.id', 'tickets.requester_id')
      .select(['users.phone', 'users.phone_verified_at', 'users.status', 'users.email', 'users.display_name'])
      .where('tickets.id', '=', row.ticket_id!)
      .executeTakeFirstOrThrow();
    expect(requester).toMatchObject({
      phone: '+31612340003',
      phone_verified_at: null,
      status: 'pending_verification',
    });
    expect(requester.email).toMatch(/\.invalid$/);
    // Lists name the new customer by a masked number.
    expect(requester.display_name).toBe('+316•••••003');
  });

  it('a text to a personal line opens a ticket without the team line’s category', async () => {
    const sent = await twilio.text({ from: '+31612340004', to: personalLine, body: 'Private question' });
    const row = await routed(sent.sid);
    expect(row.outcome).toBe('new-ticket');
    const number = await system()
      .selectFrom('sms_numbers')
      .select('owner_id')
      .where('id', '=', row.number_id)
      .executeTakeFirstOrThrow();
    expect(number.owner_id).toBe(owner.id);
  });

  it('fetches MMS media from Twilio’s host only, and only up to the size limit', async () => {
    const picture = Buffer.from('\x89PNG\r\n\x1a\n fake picture');
    const good = twilio.hostMedia('image/png', picture);
    const huge = twilio.hostMedia('image/jpeg', Buffer.alloc(t.platform.config.SMS_MEDIA_MAX_BYTES + 1));
    // A URL on another host (or with our account's path on it) is never fetched with our credentials.
    const elsewhere = 'http://127.0.0.1:9/2010-04-01/Accounts/AC/Messages/MM/Media/ME';
    const sent = await twilio.text({
      from: '+31612340005',
      to: teamLine,
      body: 'See the photo',
      mediaUrls: [
        { url: good, type: 'image/png' },
        { url: huge, type: 'image/jpeg' },
        { url: elsewhere, type: 'image/png' },
      ],
    });
    const row = await routed(sent.sid);
    const files = await system()
      .selectFrom('ticket_attachments')
      .select(['filename', 'size_bytes'])
      .where('ticket_id', '=', row.ticket_id!)
      .execute();
    expect(files).toEqual([{ filename: 'mms-1.png', size_bytes: picture.length }]);
    const message = await system()
      .selectFrom('ticket_messages')
      .select('body')
      .where('id', '=', row.ticket_message_id!)
      .executeTakeFirstOrThrow();
    expect(message.body).toContain('Not kept: 2');
    const fetchedElsewhere = twilio.requests.filter((r) => r.path.includes('/Media/') && !r.authorized);
    expect(fetchedElsewhere).toEqual([]);
  });
});

describe('hostile webhook calls', () => {
  const stored = async () =>
    Number(
      (
        await system()
          .selectFrom('sms_messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a wrong, missing or re-keyed signature is 403, counted, and stores nothing', async () => {
    const before = await stored();
    const form = twilio.textForm({ from: '+31612340010', to: teamLine, body: 'forged' });
    const refusedBefore = await count('bad-signature');
    const wrongToken = await post(
      form,
      sign(form, `${SMS_PUBLIC_URL}${WEBHOOK}`, 'not-the-auth-token-000000'),
    );
    const missing = await post(form, {});
    // Signed for a URL the attacker controls, sent with a Host header naming it.
    const otherUrl = await post(form, {
      ...sign(form, `http://evil.example${WEBHOOK}`),
      host: 'evil.example',
    });
    // A signed form, one field changed afterwards.
    const tampered = await post({ ...form, Body: 'changed' }, sign(form));
    for (const res of [wrongToken, missing, otherUrl, tampered]) {
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await count('bad-signature')).toBe(refusedBefore + 4);
    expect(await stored()).toBe(before);
  });

  it('another account’s form, a To that is not ours, and a malformed form store nothing', async () => {
    const before = await stored();
    const other = {
      ...twilio.textForm({ from: '+31612340011', to: teamLine, body: 'x' }),
      AccountSid: `AC${'1'.repeat(32)}`,
    };
    expect((await post(other, sign(other))).statusCode).toBe(403);
    const notOurs = twilio.textForm({ from: '+31612340011', to: '+14155550999', body: 'x' });
    const answered = await post(notOurs, sign(notOurs));
    expect(answered.statusCode).toBe(200);
    const malformed = { ...twilio.textForm({ from: 'short', to: teamLine, body: 'x' }) };
    expect((await post(malformed, sign(malformed))).statusCode).toBe(200);
    expect(await stored()).toBe(before);
    expect(await count('other-account')).toBeGreaterThanOrEqual(1);
    expect(await count('not-our-number')).toBeGreaterThanOrEqual(1);
  });

  it('a body past the size limit is 413, and a form that is not a form is refused, never a 500', async () => {
    const form = twilio.textForm({ from: '+31612340012', to: teamLine, body: 'x'.repeat(40_000) });
    const big = await post(form, sign(form));
    expect(big.statusCode).toBe(413);
    const unsigned = (type: string, payload: string) =>
      t.app.inject({
        method: 'POST',
        url: WEBHOOK,
        headers: { 'content-type': type, 'x-twilio-signature': 'x' },
        payload,
      });
    const json = await unsigned('application/json', '{"Body":["a","b"]}');
    expect(json.statusCode).toBeLessThan(500);
    const repeated = await unsigned('application/x-www-form-urlencoded', 'Body=a&Body=b');
    expect(repeated.statusCode).toBe(403);
  });

  it('a status callback moves an outgoing text forward only, and one for a SID we never sent is ignored', async () => {
    const number = await system()
      .selectFrom('sms_numbers')
      .select('id')
      .where('e164', '=', teamLine)
      .executeTakeFirstOrThrow();
    const sid = `SM${'a'.repeat(32)}`;
    await system()
      .insertInto('sms_messages')
      .values({
        message_sid: sid,
        direction: 'out',
        number_id: number.id,
        phone: '+31612340020',
        body: 'hi',
        status: 'queued',
      })
      .execute();
    const url = `${SMS_PUBLIC_URL}/webhooks/twilio/status`;
    const report = (status: string) => {
      const form = {
        MessageSid: sid,
        MessageStatus: status,
        AccountSid: twilio.accountSid,
        From: teamLine,
        To: '+31612340020',
      };
      return post(form, sign(form, url), '/webhooks/twilio/status');
    };
    expect((await report('delivered')).statusCode).toBe(200);
    expect((await report('sent')).statusCode).toBe(200);
    expect((await textRow(sid))!.status).toBe('delivered');
    const unknown = {
      MessageSid: `SM${'b'.repeat(32)}`,
      MessageStatus: 'delivered',
      AccountSid: twilio.accountSid,
    };
    expect((await post(unknown, sign(unknown, url), '/webhooks/twilio/status')).statusCode).toBe(200);
    expect(await count('unknown-message')).toBeGreaterThanOrEqual(1);
  });
});
