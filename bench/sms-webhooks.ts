import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { adminUrl, databaseUrl, numberArg, sql, startServer } from './support.js';

/**
 * Issue 20's webhook target: Twilio calling `POST /webhooks/twilio/sms` 500 times a second for 20
 * seconds (`--rate`, `--seconds`), each a new text (its own MessageSid, correctly signed) from one
 * of `--phones` phones to the team line, at the built server (`npm run bench:sms` builds first) with
 * jobs inline as `serve` runs them. Reports the answer time p50/p99 and whether every text answered
 * 200 was stored (none lost). Target: none lost, p99 < 100 ms; exits 1 when missed.
 */
const RATE = numberArg('rate', 500);
const SECONDS = numberArg('seconds', 20);
const PHONES = numberArg('phones', 200);
const CONNECTIONS = numberArg('connections', 50);
const NAME = 'sb_bench_sms';
const PUBLIC_URL = 'https://desk.bench.example';
const ACCOUNT = `AC${'5'.repeat(32)}`;
const TOKEN = 'bench-twilio-auth-token-0123456789';
const LINE = '+14155550999';
const load1 = () => loadavg()[0]!.toFixed(2);
const loadAtStart = load1();

/** The form Twilio posts for a text, signed as Twilio signs it (over PUBLIC_URL + path). */
function signedText(i: number): { body: string; signature: string; sid: string } {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const form = {
    MessageSid: sid,
    SmsSid: sid,
    SmsMessageSid: sid,
    AccountSid: ACCOUNT,
    From: `+3161${String(1_000_000 + (i % PHONES)).slice(1)}`,
    To: LINE,
    Body: `Bench text ${i}: the printer is offline again`,
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
  return {
    body: new URLSearchParams(form).toString(),
    signature: getExpectedTwilioSignature(TOKEN, `${PUBLIC_URL}/webhooks/twilio/sms`, form),
    sid,
  };
}

await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
await sql(adminUrl, `create database ${NAME}`);
const dbUrl = databaseUrl(NAME);
const server = await startServer({
  DATABASE_URL: dbUrl,
  DATA_DIR: await mkdtemp(path.join(tmpdir(), 'sb-bench-sms-')),
  PUBLIC_URL,
  // As in production: Twilio reaches a TLS proxy on this host, which forwards over plain http.
  TRUST_PROXY: '127.0.0.1',
  SMS_TRANSPORT: 'twilio',
  TWILIO_ACCOUNT_SID: ACCOUNT,
  TWILIO_AUTH_TOKEN: TOKEN,
  TWILIO_FROM: LINE,
  // Nothing here calls Twilio (texts in only); a closed port if something did.
  TWILIO_API_URL: 'http://127.0.0.1:9',
  ...Object.fromEntries(new URLSearchParams(process.env.BENCH_SERVER_ENV ?? '')),
});
let failed = false;
try {
  await sql(dbUrl, `insert into sms_numbers (e164, provider_sid, country, sms) values ($1, $2, 'US', true)`, [
    LINE,
    `PN${'0'.repeat(32)}`,
  ]);
  const total = RATE * SECONDS;
  const texts = Array.from({ length: total + RATE * 4 }, (_, i) => signedText(i));
  let next = 0;
  /** The MessageSids Switchboard answered 200: each must be stored. */
  const answered: string[] = [];
  const run = (seconds: number) =>
    autocannon({
      url: `${server.baseUrl}/webhooks/twilio/sms`,
      connections: CONNECTIONS,
      overallRate: RATE,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context) => {
            const text = texts[next++ % texts.length]!;
            (context as { sid?: string }).sid = text.sid;
            return {
              ...request,
              body: text.body,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-forwarded-proto': 'https',
                'x-twilio-signature': text.signature,
              },
            };
          },
          onResponse: (status, _body, context) => {
            if (status === 200) answered.push(String((context as { sid?: string }).sid));
          },
        },
      ],
    });
  await run(2); // warm-up: its texts count in the stored total too
  const result = await run(SECONDS);
  const { rows } = await sql(
    dbUrl,
    'select count(*)::int as n from sms_messages where message_sid = any($1)',
    [answered],
  );
  const stored = rows[0].n as number;
  const sent = result.requests.total;
  const ok = result['2xx'];
  const lost = answered.length - stored;
  const met =
    result.non2xx === 0 && result.errors + result.timeouts === 0 && lost === 0 && result.latency.p99 < 100;
  failed = !met;
  console.log(
    `\n${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}; load average ${loadAtStart} at the start, ${load1()} at the end`,
  );
  console.log(`${RATE} webhooks/s for ${SECONDS} s, ${CONNECTIONS} connections, ${PHONES} phones`);
  console.log(`| figure | value | target |\n|---|---:|---:|`);
  console.log(`| webhooks answered per second | ${Math.round(result.requests.average)} | ${RATE} |`);
  console.log(
    `| answer p50 / p90 / p99 (ms) | ${result.latency.p50} / ${result.latency.p90} / ${result.latency.p99} | p99 < 100 |`,
  );
  console.log(
    `| sent / 2xx / errors and timeouts (timed run) | ${sent} / ${ok} / ${result.errors + result.timeouts} | |`,
  );
  console.log(
    `| answered 200 / of those stored (warm-up included) | ${answered.length} / ${stored} | equal |`,
  );
  console.log(`| lost (answered 200, not stored) | ${lost} | 0 |`);
  console.log(
    `status codes: ${Object.entries(result.statusCodeStats as Record<string, { count: number }>)
      .map(([code, { count }]) => `${code} ×${count}`)
      .join(', ')}`,
  );
  console.log(met ? '\nEvery target met.' : '\nMissed.');
} finally {
  await server.stop();
  await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
}
process.exitCode = failed ? 1 : 0;
