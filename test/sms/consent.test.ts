import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueText } from '../../src/modules/sms/outbound/queue.js';
import { countSegments } from '../../src/modules/sms/outbound/segments.js';
import { sendQueuedText } from '../../src/modules/sms/outbound/send.js';
import { createSmsNumbers } from '../../src/platform/sms/index.js';
import type { TestApp } from '../support/app.js';
import { ownerDatabase } from '../support/app-role.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import { buildSmsApp, buyLine, textedAndRouted } from '../support/sms-app.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 20, consent and texts out: STOP (and its synonyms, and the Dutch AFMELDEN) puts the phone
 * on the line's opt-out ledger with one confirmation; nothing else reaches it until START; HELP is
 * always answered; Twilio's 21610 is written to the ledger too. A send whose answer was lost after
 * Twilio took it is not sent again; a line sends about one text a second.
 */
let t: TestApp;
let twilio: FakeTwilio;
let close: () => Promise<void>;
let line: { id: string; e164: string };

const system = () => t.platform.database.system;
const ledger = (phone: string) =>
  system()
    .selectFrom('sms_opt_outs')
    .select(['opted_out', 'source', 'keyword'])
    .where('number_id', '=', line.id)
    .where('phone', '=', phone)
    .orderBy('id')
    .execute();
const textsTo = (phone: string) => twilio.sent.filter((m) => m.to === phone);
const queue = (phone: string, body: string) =>
  system()
    .transaction()
    .execute((trx) =>
      queueText(
        trx,
        { config: t.platform.config, jobs: t.platform.jobs },
        { numberId: line.id, phone, body, kind: 'reply' },
      ),
    );
const texted = (phone: string, body: string) => textedAndRouted(t, twilio, phone, line.e164, body);
const sentCount = (phone: string, n: number) =>
  waitFor(() => textsTo(phone).length >= n, 15_000, `${n} texts to ${phone}`);

beforeAll(async () => {
  ({ t, twilio, close } = await buildSmsApp({ runsJobs: true }));
  line = await buyLine(t, '+14155550300');
});
afterAll(() => close?.());

describe('consent', () => {
  it('STOP: one confirmation, then nothing; START lifts it; the ledger shows both', async () => {
    const phone = '+31612350001';
    const stop = await texted(phone, ' stop ');
    expect(stop).toMatchObject({ outcome: 'opt-out', ticket_id: null });
    await sentCount(phone, 1);
    expect(textsTo(phone)[0]).toMatchObject({
      from: line.e164,
      body: expect.stringContaining('unsubscribed'),
    });

    // An agent's reply: refused with a clear message, nothing queued or sent.
    await expect(queue(phone, 'Your laptop is ready')).rejects.toMatchObject({
      code: 'conflict',
      status: 409,
      message: expect.stringContaining('opted out'),
    });
    // STOP again changes nothing and is not confirmed twice.
    expect((await texted(phone, 'UNSUBSCRIBE')).outcome).toBe('opt-out');
    // HELP is answered even now.
    expect((await texted(phone, 'help')).outcome).toBe('help');
    await sentCount(phone, 2);
    expect(textsTo(phone)[1]!.body).toContain('STOP');

    expect((await texted(phone, 'Start')).outcome).toBe('opt-in');
    await sentCount(phone, 3);
    expect(textsTo(phone)[2]!.body).toContain('subscribed again');
    await queue(phone, 'Your laptop is ready');
    await sentCount(phone, 4);
    expect(textsTo(phone)[3]!.body).toBe('Your laptop is ready');
    expect(await ledger(phone)).toEqual([
      { opted_out: true, source: 'keyword', keyword: 'STOP' },
      { opted_out: false, source: 'keyword', keyword: 'START' },
    ]);
    const times = await system()
      .selectFrom('sms_opt_outs')
      .select('created_at')
      .where('phone', '=', phone)
      .execute();
    expect(times.every((r) => r.created_at instanceof Date)).toBe(true);
  }, 60_000);

  it('AFMELDEN is confirmed in Dutch', async () => {
    const phone = '+31612350002';
    expect((await texted(phone, 'Afmelden')).outcome).toBe('opt-out');
    await sentCount(phone, 1);
    expect(textsTo(phone)[0]!.body).toContain('afgemeld');
  });

  it('the ledger is append-only: the app may not change it, and the database owner is stopped too', async () => {
    await expect(sql`update sms_opt_outs set opted_out = false`.execute(system())).rejects.toThrow(
      /permission denied/,
    );
    await expect(sql`delete from sms_opt_outs`.execute(system())).rejects.toThrow(/permission denied/);
    const owner = ownerDatabase(t);
    try {
      await expect(sql`update sms_opt_outs set opted_out = false`.execute(owner.db)).rejects.toThrow(
        /append-only/,
      );
      await expect(sql`delete from sms_opt_outs`.execute(owner.db)).rejects.toThrow(/append-only/);
      await expect(sql`truncate sms_opt_outs`.execute(owner.db)).rejects.toThrow(/append-only/);
    } finally {
      await owner.close();
    }
  });

  it('Twilio’s 21610 marks the text failed and writes the opt-out to the ledger', async () => {
    const phone = '+31612350003';
    twilio.optedOut.add(phone);
    const { id } = await queue(phone, 'Are you there?');
    await waitFor(
      async () =>
        (await system().selectFrom('sms_messages').select('status').where('id', '=', id).executeTakeFirst())
          ?.status === 'failed',
      15_000,
      'the refused text',
    );
    const row = await system()
      .selectFrom('sms_messages')
      .select(['error_code', 'message_sid'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ error_code: 21610, message_sid: null });
    expect(await ledger(phone)).toEqual([{ opted_out: true, source: 'provider', keyword: null }]);
    await expect(queue(phone, 'Hello again')).rejects.toMatchObject({ status: 409 });
  });
});

describe('texts out', () => {
  it('one emoji sends the text as UCS-2: 70 characters a text instead of 160', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, characters: 160 });
    expect(countSegments('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(countSegments(`${'a'.repeat(69)}😀`)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(countSegments('Thanks 🙂')).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('a retry after Twilio took the text but the answer was lost adopts its SID instead of sending again', async () => {
    const phone = '+31612350004';
    // Queued outside the workers' reach: this test runs the send itself.
    const id = await system()
      .insertInto('sms_messages')
      .values({
        direction: 'out',
        number_id: line.id,
        phone,
        body: 'Ticket SB-7 is solved 🙂',
        status: 'queued',
        kind: 'reply',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id);
    const deps = { config: t.platform.config, provider: createSmsNumbers(t.platform.config) };
    twilio.lose.answers = 1;
    await expect(
      system()
        .transaction()
        .execute((trx) => sendQueuedText({ ...deps, trx, mayHaveSent: false }, id)),
    ).rejects.toThrow();
    expect(textsTo(phone)).toHaveLength(1);
    const retried = await system()
      .transaction()
      .execute((trx) => sendQueuedText({ ...deps, trx, mayHaveSent: true }, id));
    expect(retried).toEqual({ outcome: 'already-sent' });
    expect(textsTo(phone)).toHaveLength(1);
    const row = await system()
      .selectFrom('sms_messages')
      .select(['message_sid', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ message_sid: textsTo(phone)[0]!.sid, status: 'sent' });
    // A third run (the job delivered twice) finds the SID stored and sends nothing.
    const again = await system()
      .transaction()
      .execute((trx) => sendQueuedText({ ...deps, trx, mayHaveSent: true }, id));
    expect(again).toEqual({ outcome: 'gone' });
    expect(textsTo(phone)).toHaveLength(1);
  });

  it('paces a line to about one text a second', async () => {
    const phone = '+31612350005';
    for (const n of [1, 2, 3]) await queue(phone, `Update ${n}`);
    await sentCount(phone, 3);
    const at = textsTo(phone).map((m) => m.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(900);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(900);
  }, 30_000);
});
