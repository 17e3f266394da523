import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../src/platform/process/free-port.js';
import { RawSmtp } from '../test/support/raw-smtp.js';
import { backendCpuMillis, cpuMillis } from './cpu-time.js';
import { adminUrl, databaseUrl, numberArg, sql, startServer, startWorker } from './support.js';

/**
 * Issue 19's mail target: 2,000 mails (new tickets from many senders, replies to earlier ones,
 * half with a small attachment) sent over several SMTP connections at once to the built server's
 * listener (`npm run bench:mail` builds first), jobs running inline as `serve` runs them by default.
 * Reports mails per second from the first send to the last mail processed (its ticket or reply
 * written), and p50/p99 of accept-to-ticket time (mail_inbound.received_at → processed_at).
 * Targets: ≥ 100 mails/s, p99 < 1 s; exits 1 when one is missed.
 * Usage: npm run bench:mail [-- --mails 2000 --connections 8 --senders 500 --workers 0]; node
 * flags for the server (a profile: `--cpu-prof --cpu-prof-dir=/tmp/prof`) in NODE_FLAGS. With
 * `--workers N` the jobs run in N `switchboard worker` processes (`WORKER_MODE=separate`).
 */
const MAILS = numberArg('mails', 2000);
const CONNECTIONS = numberArg('connections', 8);
const SENDERS = numberArg('senders', 500);
const WORKERS = numberArg('workers', 0);
const NAME = 'sb_bench_mail';
const SUPPORT = 'support@bench.example';
const load1 = () => loadavg()[0]!.toFixed(2);
const loadAtStart = load1();

/** A small attachment (~2 KB base64), as a screenshot or a log excerpt would be. */
const ATTACHMENT = Buffer.alloc(1500, 'log line 0123456789\n').toString('base64').replace(/.{76}/g, '$&\r\n');

/**
 * Mail `i`, from sender `i % SENDERS`: mails 0–999 open tickets; from then on every third mail is
 * the same sender's answer (In-Reply-To) to their mail of 1,000 mails earlier, which opens a ticket
 * of its own if that one is not processed yet. SENDERS should divide 1,000.
 */
function mailNumber(i: number, run: string): { from: string; raw: Buffer } {
  const n = i % SENDERS;
  const sender = `customer${n}@sender${n % 37}.example`;
  const id = (k: number) => `<bench-${run}-${k}@sender${(k % SENDERS) % 37}.example>`;
  const reply = i >= 1000 && i % 3 === 0;
  const headers = [
    `From: Customer ${n} <${sender}>`,
    `To: ${SUPPORT}`,
    `Subject: ${reply ? `Re: Question ${i - 1000}` : `Question ${i}`}`,
    `Message-ID: ${id(i)}`,
    ...(reply ? [`In-Reply-To: ${id(i - 1000)}`, `References: ${id(i - 1000)}`] : []),
    'Date: Mon, 07 Dec 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
  ];
  const text = `${reply ? 'Still happening, see the log.' : `Something is wrong with item ${i}.`}\r\n\r\nRegards,\r\nCustomer`;
  const body =
    i % 2 === 0
      ? [
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          'Content-Type: text/plain; charset=utf-8',
          '',
          text,
          '--b',
          'Content-Type: text/plain; name="log.txt"',
          'Content-Disposition: attachment; filename="log.txt"',
          'Content-Transfer-Encoding: base64',
          '',
          ATTACHMENT,
          '--b--',
          '',
        ]
      : ['Content-Type: text/plain; charset=utf-8', '', text, ''];
  return { from: sender, raw: Buffer.from([...headers, ...body].join('\r\n')) };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
await sql(adminUrl, `create database ${NAME}`);
const dbUrl = databaseUrl(NAME);
const smtpPort = await freePort();
const serverEnv = {
  DATABASE_URL: dbUrl,
  DATA_DIR: await mkdtemp(path.join(tmpdir(), 'sb-bench-mail-')),
  SUPPORT_ADDRESSES: SUPPORT,
  INBOUND_SMTP_PORT: String(smtpPort),
  // One host sends it all here, as many MTAs would: the per-address limits would otherwise throttle it.
  INBOUND_SMTP_MESSAGES_PER_MINUTE: '100000',
  INBOUND_SMTP_MAX_CONNECTIONS_PER_IP: String(CONNECTIONS + 2),
  // Settings for a comparison run: BENCH_SERVER_ENV="WORKER_CONCURRENCY=20&LOG_LEVEL=warn".
  ...(WORKERS > 0 ? { WORKER_MODE: 'separate' } : {}),
  ...Object.fromEntries(new URLSearchParams(process.env.BENCH_SERVER_ENV ?? '')),
};
const server = await startServer(serverEnv, (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean));
const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(serverEnv)));
let failed = false;
try {
  const run = Date.now().toString(36);
  const mails = Array.from({ length: MAILS }, (_, i) => mailNumber(i, run));
  const smtpMs: number[] = [];
  const refused: string[] = [];
  let next = 0;
  const appCpu = async () =>
    (await Promise.all([server, ...workers].map((p) => cpuMillis(p.pid)))).reduce((a, b) => a + b, 0);
  const cpuAtStart = { app: await appCpu(), database: await backendCpuMillis(NAME) };
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const { client } = await RawSmtp.open(smtpPort);
      await client.command('EHLO bench.example');
      for (let i = next++; i < MAILS; i = next++) {
        const began = performance.now();
        const { mail, rcpt, data } = await client.send(mails[i]!.from, [SUPPORT], mails[i]!.raw);
        smtpMs.push(performance.now() - began);
        if (data?.code !== 250) refused.push(`${i}: ${mail.code} ${rcpt[0]?.code} ${data?.text}`);
      }
      await client.quit();
    }),
  );
  const sentMs = Date.now() - started;
  process.stdout.write(`sent ${MAILS} mails in ${(sentMs / 1000).toFixed(2)} s (load ${load1()})\n`);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const { rows } = await sql(dbUrl, `select count(*)::int as n from mail_inbound where state = 'pending'`);
    if (rows[0].n === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const cpuMs = {
    app: (await appCpu()) - cpuAtStart.app,
    database: (await backendCpuMillis(NAME)) - cpuAtStart.database,
  };
  const { rows } = await sql(
    dbUrl,
    `select extract(epoch from processed_at - received_at) * 1000 as ms,
       extract(epoch from processed_at) * 1000 as done, outcome || coalesce(' (' || reason || ')', '') as outcome
     from mail_inbound`,
  );
  const processed = rows.filter((r) => r.done !== null);
  const latencies = processed.map((r) => Number(r.ms)).sort((a, b) => a - b);
  const lastDone = Math.max(...processed.map((r) => Number(r.done)));
  const seconds = (lastDone - started) / 1000;
  const rate = processed.length / seconds;
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  const outcomes = new Map<string, number>();
  for (const r of rows) outcomes.set(String(r.outcome), (outcomes.get(String(r.outcome)) ?? 0) + 1);
  smtpMs.sort((a, b) => a - b);
  const met = rate >= 100 && p99 < 1000 && processed.length === MAILS && refused.length === 0;
  failed = !met;
  console.log(
    `\n${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}; load average ${loadAtStart} at the start, ${load1()} at the end`,
  );
  console.log(
    `${MAILS} mails over ${CONNECTIONS} SMTP connections, ${SENDERS} senders, ${WORKERS ? `${WORKERS} worker process(es)` : 'jobs in the server'}`,
  );
  console.log(`| figure | value | target |\n|---|---:|---:|`);
  console.log(`| mails/s, first send to last mail processed | ${rate.toFixed(1)} | ≥ 100 |`);
  console.log(`| accept-to-ticket p50 (ms) | ${p50.toFixed(0)} | |`);
  console.log(`| accept-to-ticket p99 (ms) | ${p99.toFixed(0)} | < 1000 |`);
  console.log(
    `| SMTP transaction (MAIL to 250 after DATA) p50 / p99 (ms) | ${quantile(smtpMs, 0.5).toFixed(1)} / ${quantile(smtpMs, 0.99).toFixed(1)} | |`,
  );
  console.log(`| sending alone (mails/s) | ${((MAILS / sentMs) * 1000).toFixed(1)} | |`);
  console.log(
    `| CPU per mail, Switchboard's processes / PostgreSQL's backends (ms) | ${(cpuMs.app / MAILS).toFixed(1)} / ${(cpuMs.database / MAILS).toFixed(1)} | |`,
  );
  console.log(`| processed / refused | ${processed.length} / ${refused.length} | ${MAILS} / 0 |`);
  console.log(`outcomes: ${[...outcomes].map(([o, n]) => `${o} ${n}`).join(', ')}`);
  if (refused.length > 0) console.log(`first refusals: ${refused.slice(0, 5).join('; ')}`);
  console.log(met ? '\nEvery target met.' : '\nMissed.');
} finally {
  await Promise.all([server, ...workers].map((p) => p.stop()));
  await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
}
process.exitCode = failed ? 1 : 0;
