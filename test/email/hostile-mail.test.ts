import { constants, crc32, deflateRawSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardSignature } from '../../src/modules/email/forward/signature.js';
import { type DnsResolver, type SmtpListener, startSmtpListener } from '../../src/modules/email/index.js';
import { replyAddressFor } from '../../src/platform/mail/threading/reply-address.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailRows } from '../support/mail-rows.js';
import { RawSmtp } from '../support/raw-smtp.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19, hostile mail: malformed MIME, a 30 MB mail, 500 recipients, a zip bomb and CRLF
 * injection, through the SMTP listener and the forwarding endpoint. Each is answered (552, 452,
 * 413) or taken and then becomes a sane ticket or a clean quarantine; its job finishes on the
 * first run, nothing is half-written, and no reply sent goes to anyone it should not.
 */
const SUPPORT = 'support@help.example';
const SECRET = 'forwarding-secret-that-is-long-enough-123456';
const MB = 1024 * 1024;
let t: TestApp;
let listener: SmtpListener;

// No DNS in tests: every SPF, DKIM and DMARC question finds nothing.
const dns: DnsResolver = async (name, type) => {
  throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
};

beforeAll(async () => {
  t = await buildTestApp({
    runsJobs: true,
    env: {
      SUPPORT_ADDRESSES: SUPPORT,
      MAIL_FORWARD_SECRET: SECRET,
      INBOUND_MAX_BYTES: String(25 * MB),
      INBOUND_SMTP_MESSAGES_PER_MINUTE: '10000',
    },
  });
  listener = await startSmtpListener(t.platform, { port: 0, host: '127.0.0.1', resolver: dns });
});
afterAll(async () => {
  await listener?.close();
  await t?.close();
});

const db = () => t.platform.database.system;
let seq = 0;
const unique = (label: string) => `${label}${++seq}-${Date.now()}`;

/** A mail's header lines and body, CRLF-joined (latin1, so any byte goes through as it is). */
const raw = (headers: string[], body: string | string[]) =>
  Buffer.from([...headers, '', ...(Array.isArray(body) ? body : [body]), ''].join('\r\n'), 'latin1');
const basics = (from: string, messageId: string, subject = 'Hostile') => [
  `From: ${from}`,
  `To: ${SUPPORT}`,
  `Subject: ${subject}`,
  `Message-ID: ${messageId}`,
  'Date: Mon, 07 Dec 2026 09:00:00 +0000',
];

async function viaSmtp(from: string, message: Buffer, to = [SUPPORT]) {
  const { client } = await RawSmtp.open(listener.port);
  try {
    await client.command('EHLO sender.example');
    return await client.send(from, to, message);
  } finally {
    await client.quit();
  }
}

function viaForward(message: Buffer) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/mail/inbound',
    headers: {
      'content-type': 'message/rfc822',
      'x-switchboard-timestamp': timestamp,
      'x-switchboard-signature': forwardSignature(SECRET, timestamp, message),
    },
    payload: message,
  });
}

/** Sends by one path and checks the listener or endpoint said "stored". */
async function deliver(path: 'smtp' | 'forward', from: string, message: Buffer) {
  if (path === 'smtp') expect((await viaSmtp(from, message)).data?.code).toBe(250);
  else expect((await viaForward(message)).statusCode).toBe(202);
}

const { inbound, ticketsOf, bodiesOf, outboxFor } = mailRows(() => t);

/** The mail once processed, after its job has finished: completed on its first run. */
async function settled(messageId: string) {
  await waitFor(async () => (await inbound(messageId))?.state !== 'pending', 30_000, `mail ${messageId}`);
  const row = (await inbound(messageId))!;
  let job: { state: string; retry_count: number } | undefined;
  await waitFor(
    async () => {
      job = (
        await sql<{ state: string; retry_count: number }>`select state, retry_count from pgboss.job
          where name = 'email_inbound' and data->>'id' = ${row.id}`.execute(db())
      ).rows[0];
      return job?.state === 'completed';
    },
    15_000,
    `the job of mail ${messageId}`,
  );
  expect(job).toEqual({ state: 'completed', retry_count: 0 });
  return row;
}

/**
 * What a hostile mail may become: a ticket whose subject is one line and whose text has no NUL
 * (holding `expected` when given), or a quarantined mail with no ticket at all.
 */
async function expectTicketOrQuarantine(from: string, messageId: string, expected?: RegExp) {
  const row = await settled(messageId);
  const tickets = await ticketsOf(from);
  if (row.state === 'quarantined') {
    expect(row.reason).toBe('unreadable');
    expect(tickets).toHaveLength(0);
    return row;
  }
  expect(row).toMatchObject({ state: 'done', outcome: 'new-ticket' });
  expect(tickets).toHaveLength(1);
  expect(row.ticket_id).toBe(tickets[0]!.id);
  expect(tickets[0]!.subject).not.toMatch(/[\r\n\0]/);
  const bodies = await bodiesOf(tickets[0]!.id);
  expect(bodies).toHaveLength(1);
  expect(bodies[0]).not.toContain('\0');
  expect(bodies[0]!.length).toBeGreaterThan(0);
  if (expected) expect(bodies[0]).toMatch(expected);
  return row;
}

type Outcome = 'ticket' | 'quarantined' | 'either';
interface Malformed {
  name: string;
  outcome: Outcome;
  text?: RegExp;
  build(from: string, messageId: string): Buffer;
}

const nested = (depth: number) => {
  let part = 'Content-Type: text/plain\r\n\r\ndeep text\r\n';
  for (let i = 0; i < depth; i++)
    part = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${part}--n${i}--\r\n`;
  return part;
};

const MALFORMED: Malformed[] = [
  {
    name: 'an unterminated multipart boundary',
    outcome: 'ticket',
    text: /hello unterminated/,
    build: (from, id) =>
      raw(
        [...basics(from, id), 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"'],
        ['--b1', 'Content-Type: text/plain', '', 'hello unterminated', '--b1', 'Content-Type: text/plain'],
      ),
  },
  {
    name: 'a multipart without its boundary parameter',
    outcome: 'ticket',
    build: (from, id) =>
      raw(
        [...basics(from, id), 'MIME-Version: 1.0', 'Content-Type: multipart/mixed'],
        ['--x', 'Content-Type: text/plain', '', 'lost text', '--x--'],
      ),
  },
  {
    name: 'invalid base64',
    outcome: 'ticket',
    build: (from, id) =>
      raw(
        [...basics(from, id), 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64'],
        ['!!!not base64 *** @@@', 'aGVsbG8gd29ybGQ=====%%%'],
      ),
  },
  {
    name: 'invalid quoted-printable',
    outcome: 'ticket',
    text: /broken/,
    build: (from, id) =>
      raw(
        [
          ...basics(from, id),
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
        ],
        ['broken =ZZ and =', '=C3 and =E2=82'],
      ),
  },
  {
    name: 'an unknown charset',
    outcome: 'ticket',
    text: /text/,
    build: (from, id) =>
      raw(
        [...basics(from, id, '=?x-klingon?Q?qapla=E9?='), 'Content-Type: text/plain; charset=x-klingon-42'],
        '\xe9\xff\xfe text',
      ),
  },
  {
    name: 'header lines without a colon',
    outcome: 'ticket',
    text: /the body/,
    build: (from, id) =>
      raw([...basics(from, id), 'This header line has no colon', 'another one'], 'the body'),
  },
  {
    name: 'NUL bytes in the subject and text',
    outcome: 'either',
    build: (from, id) =>
      raw([...basics(from, id, 'nul\0subject'), 'Content-Type: text/plain'], 'before\0after'),
  },
  {
    name: 'multiparts nested 2,000 deep',
    outcome: 'quarantined',
    build: (from, id) => Buffer.from([...basics(from, id), 'MIME-Version: 1.0', nested(2000)].join('\r\n')),
  },
  {
    name: 'a header block of over 1 MB',
    outcome: 'quarantined',
    build: (from, id) =>
      raw(
        [
          ...basics(from, id),
          ...Array.from({ length: 22_000 }, (_, i) => `X-Filler-${i}: ${'y'.repeat(40)}`),
        ],
        'body after a big header',
      ),
  },
];

describe('malformed MIME', () => {
  for (const path of ['smtp', 'forward'] as const)
    for (const mail of MALFORMED)
      it(`${mail.name}, by ${path}: a sane ticket or a clean quarantine, its job run once`, async () => {
        const from = `${unique('mime')}@customer.example`;
        const messageId = `<${unique('mime')}@customer.example>`;
        const message = mail.build(from, messageId);
        await deliver(path, from, message);
        const row = await expectTicketOrQuarantine(from, messageId, mail.text);
        if (mail.outcome === 'ticket') expect(row.outcome).toBe('new-ticket');
        if (mail.outcome === 'quarantined') expect(row.state).toBe('quarantined');
        expect(row.size).toBe(message.length);
      });
});

const mailCount = async () =>
  Number(
    (
      await db()
        .selectFrom('mail_inbound')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('a 30 MB mail', () => {
  const big = (from: string, messageId: string) =>
    raw(
      [...basics(from, messageId, 'Huge'), 'Content-Type: text/plain'],
      Array.from({ length: (30 * MB) / 1000 }, () => 'z'.repeat(998)),
    );

  it('is answered 552 by the listener after DATA, and nothing is stored', async () => {
    const before = await mailCount();
    const from = `${unique('huge')}@customer.example`;
    const messageId = `<${unique('huge')}@customer.example>`;
    const message = big(from, messageId);
    expect(message.length).toBeGreaterThan(30 * 1000 * 1000);
    const { client } = await RawSmtp.open(listener.port);
    try {
      const ehlo = await client.command('EHLO sender.example');
      expect(ehlo.text).toContain(`SIZE ${25 * MB}`);
      const sent = await client.send(from, [SUPPORT], message);
      expect(sent.data?.code).toBe(552);
      // The session goes on: a declared size over the limit is refused at MAIL FROM already.
      expect((await client.command('RSET')).code).toBe(250);
      expect((await client.command(`MAIL FROM:<${from}> SIZE=${message.length}`)).code).toBe(552);
    } finally {
      await client.quit();
    }
    expect(await inbound(messageId)).toBeUndefined();
    expect(await mailCount()).toBe(before);
  }, 120_000);

  it('is answered 413 problem+json by the forwarding endpoint, and nothing is stored', async () => {
    const before = await mailCount();
    const messageId = `<${unique('huge')}@customer.example>`;
    const res = await viaForward(big(`${unique('huge')}@customer.example`, messageId));
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 413 });
    expect(await mailCount()).toBe(before);
  }, 120_000);
});

describe('a mail to 500 recipients', () => {
  it('gets 452 past the listen limit, is stored once and opens one ticket with at most 50 participants', async () => {
    const from = `${unique('crowd')}@customer.example`;
    const messageId = `<${unique('crowd')}@customer.example>`;
    // 500 addresses the listener takes mail for: signed reply addresses of tickets not there.
    const recipients = Array.from({ length: 500 }, (_, i) =>
      replyAddressFor(SUPPORT, String(90_000 + i), t.config.SECRET_KEY!),
    );
    const copied = Array.from({ length: 500 }, (_, i) => `cc${i}@crowd.example`);
    const message = raw(
      [...basics(from, messageId, 'To everyone'), `Cc: ${copied.join(', ')}`, 'Content-Type: text/plain'],
      'Hello all of you.',
    );
    const sent = await viaSmtp(from, message, recipients);
    const codes = sent.rcpt.map((r) => r.code);
    expect(codes.filter((c) => c === 250)).toHaveLength(100);
    expect(codes.slice(100).every((c) => c === 452)).toBe(true);
    expect(sent.data?.code).toBe(250);
    // The sender's server retries the refused ones: the same mail again is the same mail.
    const again = await viaSmtp(from, message, recipients.slice(100, 200));
    expect(again.data?.code).toBe(250);
    expect(again.data?.text).toContain('Already have it');

    const row = await expectTicketOrQuarantine(from, messageId, /Hello all of you/);
    expect(row.outcome).toBe('new-ticket');
    expect(row.envelope_to).toHaveLength(100);
    const rows = await db()
      .selectFrom('mail_inbound')
      .select('id')
      .where('message_id', '=', messageId)
      .execute();
    expect(rows).toHaveLength(1);
    const participants = await db()
      .selectFrom('ticket_participants')
      .select('email')
      .where('ticket_id', '=', row.ticket_id!)
      .execute();
    expect(participants.length).toBeGreaterThan(0);
    expect(participants.length).toBeLessThanOrEqual(50);
  }, 120_000);
});

/**
 * A zip whose one entry inflates to 3 GiB of zeros, about 3 MB on the wire: one deflated 16 MiB
 * block of zeros, fully flushed (byte-aligned, no back-references across it), repeated, then the
 * final empty block. Sizes and CRC are true, as a real bomb's would be.
 */
function zipBomb(): { zip: Buffer; inflated: number } {
  const block = Buffer.alloc(16 * MB);
  const flushed = deflateRawSync(block, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const repeats = 192;
  const data = Buffer.concat([...Array.from({ length: repeats }, () => flushed), Buffer.from([0x03, 0x00])]);
  let crc = 0;
  for (let i = 0; i < repeats; i++) crc = crc32(block, crc);
  const inflated = repeats * block.length;
  const name = Buffer.from('zeros.bin');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(inflated, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(inflated, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return { zip: Buffer.concat([local, name, data, central, name, end]), inflated };
}

describe('a zip bomb attachment', () => {
  it('opens the ticket without ever inflating the zip: memory stays bounded', async () => {
    const { zip, inflated } = zipBomb();
    expect(inflated).toBeGreaterThan(3 * 1000 * MB);
    expect(zip.length).toBeLessThan(5 * MB);
    const from = `${unique('bomb')}@customer.example`;
    const messageId = `<${unique('bomb')}@customer.example>`;
    const base64 = zip.toString('base64').replace(/.{76}/g, '$&\r\n');
    const message = raw(
      [
        ...basics(from, messageId, 'Logs attached'),
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="z"',
      ],
      [
        '--z',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The logs are in the zip.',
        '--z',
        'Content-Type: application/zip; name="logs.zip"',
        'Content-Disposition: attachment; filename="logs.zip"',
        'Content-Transfer-Encoding: base64',
        '',
        base64,
        '--z--',
      ],
    );
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      await deliver('smtp', from, message);
      await expectTicketOrQuarantine(from, messageId, /The logs are in the zip/);
    } finally {
      clearInterval(sampler);
    }
    expect((await inbound(messageId))!.outcome).toBe('new-ticket');
    // Listener, parser and job all run in this process: a tenth of the inflated size is far more
    // than taking in a 4 MB mail needs, and far less than inflating it would.
    expect(peak - baseline).toBeLessThan(inflated / 10);
  }, 120_000);
});

describe('CRLF injection', () => {
  const VICTIM = 'victim@evil.example';

  const INJECTIONS = [
    {
      name: 'an encoded-word subject with CR/LF and a Bcc line',
      build: (from: string, id: string) =>
        raw(basics(from, id, '=?utf-8?Q?Help=0D=0ABcc:_victim@evil.example=0D=0A?='), 'Subject injection.'),
    },
    {
      name: 'a display name with CR/LF and a Bcc line',
      build: (from: string, id: string) =>
        raw(
          [
            `From: =?utf-8?B?${Buffer.from(`Ada\r\nBcc: ${VICTIM}\r\n`).toString('base64')}?= <${from}>`,
            ...basics(from, id, 'Display name').slice(1),
          ],
          'Name injection.',
        ),
    },
    {
      name: 'a Message-ID with CR/LF (encoded) and a raw Bcc line after it',
      build: (from: string, id: string) =>
        raw(
          [
            ...basics(from, id, 'Message id').filter((h) => !h.startsWith('Message-ID')),
            `Message-ID: =?utf-8?Q?${id.replace('>', '=0D=0ABcc:_victim@evil.example>')}?=`,
            `Bcc: ${VICTIM}`,
          ],
          'Message-ID injection.',
        ),
    },
  ];

  for (const path of ['smtp', 'forward'] as const)
    for (const injection of INJECTIONS)
      it(`${injection.name}, by ${path}: one-line subject, a receipt with no injected header or recipient`, async () => {
        const from = `${unique('crlf')}@customer.example`;
        const label = unique('crlf');
        const id = `<${label}@customer.example>`;
        await deliver(path, from, injection.build(from, id));
        // The encoded Message-ID is taken by the id in it (`<label=0D=0A…>`): find the row by sender.
        await waitFor(
          async () =>
            (await db()
              .selectFrom('mail_inbound')
              .select('state')
              .where('message_id', 'like', `<${label}%`)
              .executeTakeFirst()
              .then((r) => r?.state)) === 'done',
          30_000,
          'the mail',
        );
        const [ticket] = await ticketsOf(from);
        expect(ticket).toBeDefined();
        expect(ticket!.subject).not.toMatch(/[\r\n]/);
        const sent = await outboxFor(from);
        expect(sent).toHaveLength(1);
        const [receipt] = sent;
        expect(receipt!.recipient).toBe(from);
        expect(receipt!.subject).not.toMatch(/[\r\n]/);
        for (const [name, value] of Object.entries(receipt!.headers)) {
          expect(name).toMatch(/^[\x21-\x39\x3b-\x7e]+$/);
          expect(value).not.toMatch(/[\r\n]/);
        }
        expect(Object.keys(receipt!.headers).map((h) => h.toLowerCase())).not.toContain('bcc');
        expect(
          await db()
            .selectFrom('outbox_messages')
            .select('id')
            .where('recipient', 'like', '%evil.example%')
            .execute(),
        ).toHaveLength(0);
      });
});

describe('after all of it', () => {
  it('left nothing half-written: no mail pending, no ticket without its message, no job failed or retrying', async () => {
    await waitFor(
      async () =>
        (await db().selectFrom('mail_inbound').select('id').where('state', '=', 'pending').execute())
          .length === 0,
      30_000,
      'every mail processed',
    );
    const empty = await sql`select t.id from tickets t
      where not exists (select 1 from ticket_messages m where m.ticket_id = t.id)`.execute(db());
    expect(empty.rows).toHaveLength(0);
    const unfinished = await sql`select state from pgboss.job
      where name like 'email_inbound%' and state not in ('completed', 'active', 'created')`.execute(db());
    expect(unfinished.rows).toEqual([]);
  });
});
