import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../src/modules/auth/passwords/hash.js';
import { type LoadOptions, type LoadResult, load } from './load.js';
import { adminUrl, BENCH_PASSWORD, databaseUrl, signIn, sql, startServer } from './support.js';
import { seedTickets } from './tickets-seed.js';

/** The ticket bench's data (`npm run bench:tickets -- --keep` leaves it; made here when missing). */
const NAME = 'sb_bench_tickets';
/** The ticket bench's common words: each in 5–30 % of the messages. */
export const COMMON = [
  'printer',
  'vpn disconnecting',
  'password',
  'outlook crashes',
  'invoice refund',
  'slow laptop',
];

const searchPaths = (queries: string[]) =>
  queries.map((q) => `/api/v1/tickets/search?q=${encodeURIComponent(q)}`);

/**
 * Search at 50 connections on the 50,000-ticket data, `runs` times: the team (the agent with the
 * most tickets) and the busiest customer, common words in turn. Seeds the data once (~90 s) and
 * keeps it, so the next run starts at once.
 */
export async function measureSearch(runs: number, options: LoadOptions, env: Record<string, string>) {
  const dbUrl = databaseUrl(NAME);
  const exists = (await sql(adminUrl, 'select 1 from pg_database where datname = $1', [NAME])).rowCount === 1;
  const seeded = exists && (await sql(dbUrl, `select to_regclass('tickets') is not null as ok`)).rows[0].ok;
  if (!seeded) {
    await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
    await sql(adminUrl, `create database ${NAME}`);
  }
  const server = await startServer({
    ...env,
    DATABASE_URL: dbUrl,
    DATA_DIR: await mkdtemp(path.join(tmpdir(), 'sb-bench-')),
  });
  const results: LoadResult[] = [];
  try {
    if (!seeded) {
      process.stdout.write('seeding 50,000 tickets for the search rows (once, ~90 s)…\n');
      await seedTickets(
        dbUrl,
        { tickets: 50_000, messages: 500_000, agents: 20, customers: 2_000 },
        await hashPassword(BENCH_PASSWORD),
      );
    }
    const first = async (text: string) => (await sql(dbUrl, text)).rows[0].email as string;
    const agent = await first(
      `select u.email from users u join tickets t on t.assignee_id = u.id group by u.email order by count(*) desc limit 1`,
    );
    const customer = await first(
      `select u.email from users u join tickets t on t.requester_id = u.id group by u.email order by count(*) desc limit 1`,
    );
    const cookies = {
      team: await signIn(server.baseUrl, agent, BENCH_PASSWORD),
      customer: await signIn(server.baseUrl, customer, BENCH_PASSWORD),
    };
    for (let run = 1; run <= runs; run++) {
      for (const [who, cookie] of Object.entries(cookies)) {
        const paths = searchPaths(COMMON);
        const check = await fetch(`${server.baseUrl}${paths[0]}`, { headers: { cookie } });
        if (check.status !== 200) throw new Error(`search as ${who}: ${check.status} ${await check.text()}`);
        results.push(
          await load(
            `search, common words, ${who === 'team' ? 'team' : 'busiest customer'} (run ${run})`,
            `${server.baseUrl}${paths[0]}`,
            {
              ...options,
              headers: { cookie },
              paths,
            },
          ),
        );
      }
    }
  } finally {
    await server.stop();
  }
  return results;
}
