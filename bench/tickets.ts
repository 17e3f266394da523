import { mkdtemp } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { hashPassword } from '../src/modules/auth/passwords/hash.js';
import { defaultClient, type LoadOptions, type LoadResult, load } from './load.js';
import { COMMON } from './pages-search.js';
import { startListening } from './processes.js';
import { adminUrl, BENCH_PASSWORD, databaseUrl, numberArg, signIn, sql, startServer } from './support.js';
import { seedTickets } from './tickets-seed.js';

/**
 * The inbox list and full-text search over 50,000 tickets and 500,000 messages, as an agent and
 * as a customer, on the built server (`npm run build` first) and an external PostgreSQL
 * (BENCH_DATABASE_URL, default the local server). `--keep` leaves the seeded database for the
 * next run (`--reuse` takes it up again, skipping the seed); `--only list|search` runs one half
 * (`--only seed` neither).
 * Usage: tsx bench/tickets.ts [--seconds 10 --connections 50 --tickets 50000 --messages 500000]
 */
const arg = numberArg;
const flag = (name: string) => process.argv.includes(`--${name}`);
const onlyAt = process.argv.indexOf('--only');
const runs = (part: 'list' | 'search') => onlyAt < 0 || process.argv[onlyAt + 1] === part;
const options: LoadOptions = {
  seconds: arg('seconds', 10),
  connections: arg('connections', 50),
  client: defaultClient(),
};
const counts = {
  tickets: arg('tickets', 50_000),
  messages: arg('messages', 500_000),
  agents: 20,
  customers: 2_000,
};
const NAME = 'sb_bench_tickets';

// Words in 5 to 30 % of the messages, alone and in pairs (all must match); and words in one or two
// messages (error codes and asset tags, taken from the data) or none, and a rare pair.
const RARE_SEARCHES = [
  `select substring(body from 'ERR-[0-9]+') as q from ticket_messages where body like '%ERR-%' limit 1`,
  `select substring(body from 'SN[0-9]+') as q from ticket_messages where body like '%Asset tag SN%' limit 1`,
  `select substring(body from 'ERR-[0-9]+') || ' ' || substring(body from 'SN[0-9]+') as q
   from ticket_messages where body like '%ERR-%SN%' limit 1`,
];

const dbUrl = databaseUrl(NAME);
const exists = (await sql(adminUrl, 'select 1 from pg_database where datname = $1', [NAME])).rowCount === 1;
const reuse = flag('reuse') && exists;
if (!reuse) {
  await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
  await sql(adminUrl, `create database ${NAME}`);
}
const server = await startServer({
  MFA_REQUIRED_ROLES: 'none',
  DATABASE_URL: dbUrl,
  DATA_DIR: await mkdtemp(path.join(tmpdir(), 'sb-bench-')),
});

const results: LoadResult[] = [];
let seeded = 'reused';
try {
  if (!reuse) {
    const started = performance.now();
    await seedTickets(dbUrl, counts, await hashPassword(BENCH_PASSWORD));
    seeded = `${((performance.now() - started) / 1000).toFixed(0)} s`;
  }
  // The agent with the most open work, and the customer with the most tickets (the worst case).
  const agent = (
    await sql(
      dbUrl,
      `select u.email from users u join tickets t on t.assignee_id = u.id
       group by u.email order by count(*) desc limit 1`,
    )
  ).rows[0].email as string;
  const customer = (
    await sql(
      dbUrl,
      `select u.email, count(*)::int as tickets from users u join tickets t on t.requester_id = u.id
       group by u.email order by count(*) desc limit 1`,
    )
  ).rows[0] as { email: string; tickets: number };
  const category = (await sql(dbUrl, `select id from ticket_categories order by name limit 1`)).rows[0]
    .id as string;
  const rare = ['nosuchword', 'quokka marzipan xylophone'];
  for (const text of RARE_SEARCHES) rare.push((await sql(dbUrl, text)).rows[0].q);
  const agentCookie = await signIn(server.baseUrl, agent, BENCH_PASSWORD);
  const customerCookie = await signIn(server.baseUrl, customer.email, BENCH_PASSWORD);

  /** Runs `work` while, as another writer would, a random open ticket changes every 100 ms. */
  async function whileTicketsChange(work: () => Promise<void>) {
    const writer = new pg.Client({ connectionString: dbUrl });
    await writer.connect();
    const open = (await writer.query(`select number from tickets where status = 'open' limit 1000`)).rows;
    let changes = 0;
    const timer = setInterval(() => {
      const number = open[Math.floor(Math.random() * open.length)]!.number as number;
      void writer
        .query(
          `update tickets set priority = case priority when 'low' then 'normal' else 'low' end,
             version = version + 1, updated_at = now() where number = $1`,
          [number],
        )
        .then(() => changes++);
    }, 100);
    try {
      await work();
    } finally {
      clearInterval(timer);
      await writer.end();
    }
    results.at(-1)!.target += ` (${changes} changes)`;
  }

  /** Checks the route answers 200 (and says how many items), then loads it. */
  async function measure(target: string, cookie: string, paths: string[]) {
    for (const p of new Set(paths)) {
      const response = await fetch(`${server.baseUrl}${p}`, { headers: { cookie } });
      if (response.status !== 200) throw new Error(`${p}: ${response.status} ${await response.text()}`);
    }
    results.push(
      await load(target, `${server.baseUrl}${paths[0]}`, { ...options, headers: { cookie }, paths }),
    );
  }
  const firstPage = await fetch(`${server.baseUrl}/api/v1/tickets?view=open`, {
    headers: { cookie: agentCookie },
  });
  const cursor = (await firstPage.json()).nextCursor as string;
  const search = (queries: string[]) =>
    queries.map((q) => `/api/v1/tickets/search?q=${encodeURIComponent(q)}`);

  // How fast the machine is today: the node:http ceiling and the one-row public route, against
  // their figures further up the README.
  const hello = await startListening(process.execPath, ['--import', 'tsx', 'bench/hello-server.ts'], {});
  try {
    results.push(await load('node:http hello (ceiling)', `${hello.baseUrl}/`, options));
  } finally {
    await hello.stop();
  }
  results.push(
    await load('public /api/v1/instance (1 row, baseline)', `${server.baseUrl}/api/v1/instance`, options),
  );
  if (runs('list')) {
    const views = [
      'view=open',
      'view=unassigned',
      'view=mine',
      'view=waiting',
      'view=resolved',
      'view=open&priority=high,urgent',
      `status=closed&category=${category}`,
      'tag=vpn',
      'sort=-updated',
    ];
    for (const view of views) await measure(`agent list ?${view}`, agentCookie, [`/api/v1/tickets?${view}`]);
    await measure('agent list ?view=open, page 2 (cursor)', agentCookie, [
      `/api/v1/tickets?view=open&cursor=${cursor}`,
    ]);
    await measure('customer list (own tickets)', customerCookie, ['/api/v1/tickets']);
    // Every change drops the kept lists on every node: the same loads while a ticket changes
    // every 100 ms (10 changes a second, more than a busy team makes).
    await whileTicketsChange(() =>
      measure('agent list ?view=open, a ticket changing every 100 ms', agentCookie, [
        '/api/v1/tickets?view=open',
      ]),
    );
    await whileTicketsChange(() =>
      measure('customer list, a ticket changing every 100 ms', customerCookie, ['/api/v1/tickets']),
    );
    // A second node on the same database with nothing kept in memory: every request reads its
    // session, its user and its list (the figures before the caches).
    const uncached = await startServer({
      MFA_REQUIRED_ROLES: 'none',
      DATABASE_URL: dbUrl,
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'sb-bench-')),
      AUTH_CACHE_SECONDS: '0',
      TICKET_LIST_CACHE_SECONDS: '0',
    });
    try {
      for (const [target, cookie, p] of [
        ['agent list ?view=open, nothing kept', agentCookie, '/api/v1/tickets?view=open'],
        ['customer list, nothing kept', customerCookie, '/api/v1/tickets'],
      ] as const)
        results.push(await load(target, `${uncached.baseUrl}${p}`, { ...options, headers: { cookie } }));
    } finally {
      await uncached.stop();
    }
  }
  if (runs('search')) {
    await measure(`agent search, common words (${COMMON.length} queries)`, agentCookie, search(COMMON));
    await measure(`agent search, rare words (${rare.length} queries)`, agentCookie, search(rare));
    await measure('customer search, common and rare', customerCookie, search([...COMMON, ...rare]));
  }
  const version = (await sql(dbUrl, 'show server_version')).rows[0].server_version;
  console.log(
    `\n${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}, PostgreSQL ${version}, ${options.client}, ${options.connections} connections, ${options.seconds} s each`,
  );
  console.log(
    `${counts.tickets} tickets, ${counts.messages} messages (seed: ${seeded}); agent ${agent}, customer with ${customer.tickets} tickets\n`,
  );
  console.log('| target | req/s | p50 ms | p90 ms | p99 ms | errors | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results)
    console.log(
      `| ${r.target} | ${r.requestsPerSecond} | ${r.p50.toFixed(2)} | ${r.p90.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${r.non2xx} |`,
    );
} finally {
  await server.stop();
  if (!flag('keep')) await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
}
