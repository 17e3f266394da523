import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/connection.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { asApp, ownerDatabase } from '../support/app-role.js';
import type { SessionClient } from '../support/session-client.js';

/** Search over per-ticket documents (the ticket_search_documents migration). */
let t: TestApp;
let owner: Database;
let customer: { id: string; client: SessionClient };
let agent: { id: string; client: SessionClient };

beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  customer = await createSignedIn(t, ['customer']);
  agent = await createSignedIn(t, ['agent']);
  owner = ownerDatabase(t);
});
afterAll(async () => {
  await owner?.close();
  await t?.close();
});

let n = 0;
/** A word no other test (or earlier run) has used. */
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}x${++n}`;

interface Hit {
  ticket: { id: string };
  rank: number;
  subjectHtml: string;
  snippetHtml: string | null;
}
async function search(client: SessionClient, q: string): Promise<Hit[]> {
  const res = await client.get(`/api/v1/tickets/search?q=${encodeURIComponent(q)}&limit=50`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}
const ids = (hits: Hit[]) => hits.map((h) => h.ticket.id);

async function open(subject: string, body: string): Promise<string> {
  const res = await customer.client.post('/api/v1/tickets', { subject, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
async function reply(client: SessionClient, id: string, body: string, visibility = 'public') {
  const res = await client.post(`/api/v1/tickets/${id}/messages`, { body, visibility });
  expect(res.statusCode, res.body).toBe(201);
}

describe('search over ticket documents', () => {
  it('finds a word of a reply added after the ticket was opened', async () => {
    const word = unique('latereply');
    const id = await open('Printer jams', 'It jams on every page.');
    expect(ids(await search(customer.client, word))).toEqual([]);
    await reply(agent.client, id, `Try the ${word} tray.`);
    const [mine] = await search(customer.client, word);
    expect(mine?.ticket.id).toBe(id);
    expect(mine?.snippetHtml).toContain(`<mark>${word}</mark>`);
    expect(ids(await search(agent.client, word))).toEqual([id]);
  });

  it('finds an internal note for the team only, and never shows it to the customer', async () => {
    const [shared, secret] = [unique('shared'), unique('secret')];
    const id = await open(`Laptop ${shared}`, `My laptop says ${shared}.`);
    await reply(agent.client, id, `Internal: ${shared} ${secret} means the disk is failing.`, 'internal');

    const team = await search(agent.client, secret);
    expect(ids(team)).toEqual([id]);
    expect(team[0]?.snippetHtml).toContain(`<mark>${secret}</mark>`);
    expect(await search(customer.client, secret)).toEqual([]);
    expect(await search(customer.client, `${shared} ${secret}`)).toEqual([]);

    const mine = await search(customer.client, shared);
    expect(ids(mine)).toEqual([id]);
    expect(mine[0]?.snippetHtml).toContain(`<mark>${shared}</mark>`);
    expect(mine[0]?.snippetHtml).not.toContain(secret);
    expect(mine[0]?.snippetHtml).not.toContain('disk is failing');
  });

  it('matches words spread over two messages of one ticket, and shows the one with a hit', async () => {
    const [first, second] = [unique('alpha'), unique('omega')];
    const id = await open('VPN drops', `The ${first} client disconnects.`);
    const other = await open('VPN drops too', `The ${first} client again.`);
    await reply(customer.client, id, `Only on the ${second} network.`);
    const hits = await search(customer.client, `${first} ${second}`);
    expect(ids(hits)).toEqual([id]);
    expect(ids(hits)).not.toContain(other);
    expect(hits[0]?.snippetHtml).toMatch(new RegExp(`<mark>(${first}|${second})</mark>`));
    // A phrase still has to be a phrase.
    expect(await search(customer.client, `"${first} ${second}"`)).toEqual([]);
  });

  it('follows a changed subject, and ranks subject hits first', async () => {
    const [before, after] = [unique('oldsubject'), unique('newsubject')];
    const id = await open(`About ${before}`, 'Details inside.');
    const inBody = await open('Something else', `Mentions ${after} in passing.`);
    await owner.db
      .updateTable('tickets')
      .set({ subject: `Wi-Fi: the ${after} fails on floor 3 (again), since Monday's update` })
      .where('id', '=', id)
      .execute();
    expect(await search(customer.client, before)).toEqual([]);
    const hits = await search(customer.client, after);
    expect(ids(hits)).toEqual([id, inBody]);
    // The whole subject, escaped, with the hit marked: not a fragment of it.
    expect(hits[0]?.subjectHtml).toBe(
      `Wi-Fi: the <mark>${after}</mark> fails on floor 3 (again), since Monday's update`,
    );
    expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank);
  });

  it('finds subject hits beyond the newest tickets it walks, for a word in many subjects or in one', async () => {
    // With limit=50 a search ranks the newest 50 subject hits and the newest 50 document hits. It
    // walks the newest 200 tickets for subject hits, walks on when 1 in 25 of them match, and
    // turns to the text index otherwise. Every newer ticket's reply holds all three words, so the
    // document hits are the 50 newest tickets and the older subject hits come from the walk alone.
    const [rare, often, seldom] = [unique('oldsubject'), unique('tenth'), unique('fiftieth')];
    const old = await open(`About ${rare}`, 'Old details.');
    const newer = await owner.db
      .insertInto('tickets')
      .values(
        Array.from({ length: 450 }, (_, i) => ({
          subject: `Batch ${i % 10 === 0 ? often : 'ticket'} ${i % 50 === 0 ? seldom : 'item'}`,
          requester_id: customer.id,
          priority: 'normal' as const,
          status: 'open',
          tags: [],
          channel: 'web' as const,
          language: 'english',
        })),
      )
      .returning(['id', 'subject'])
      .execute();
    const body = `Also ${rare}, ${often} and ${seldom}.`;
    await owner.db
      .insertInto('ticket_messages')
      .values(
        newer.map((r) => ({
          ticket_id: r.id,
          body,
          body_html: body,
          visibility: 'public',
          channel: 'web' as const,
          language: 'english',
        })),
      )
      .execute();
    const holding = (word: string) =>
      newer
        .filter((r) => r.subject.includes(word))
        .map((r) => r.id)
        .sort();
    // The tickets ranked as subject hits (rank above 1).
    const subjectHits = async (client: SessionClient, word: string) =>
      ids((await search(client, word)).filter((h) => h.rank > 1)).sort();
    for (const client of [agent.client, customer.client]) {
      expect(await subjectHits(client, rare)).toEqual([old]);
      expect(await subjectHits(client, often)).toEqual(holding(often));
      expect(await subjectHits(client, seldom)).toEqual(holding(seldom));
    }
    expect(holding(often)).toHaveLength(45);
    expect(holding(seldom)).toHaveLength(9);
  });

  it('follows messages that are changed or deleted behind the app’s back', async () => {
    const [kept, gone, hidden] = [unique('kept'), unique('gone'), unique('hidden')];
    const id = await open('Badge', `Badge ${kept}.`);
    await reply(agent.client, id, `Badge ${gone}.`);
    await reply(agent.client, id, `Badge ${hidden}.`, 'internal');
    await owner.db.deleteFrom('ticket_messages').where('body', '=', `Badge ${gone}.`).execute();
    await owner.db
      .updateTable('ticket_messages')
      .set({ visibility: 'public' })
      .where('body', '=', `Badge ${hidden}.`)
      .execute();
    expect(await search(agent.client, gone)).toEqual([]);
    expect(ids(await search(customer.client, hidden))).toEqual([id]);
    expect(ids(await search(customer.client, kept))).toEqual([id]);

    // A deleted ticket takes its documents along (its messages go first, by cascade).
    await owner.db.deleteFrom('tickets').where('id', '=', id).execute();
    expect(await search(agent.client, kept)).toEqual([]);
    const left = await sql`select 1 from ticket_search_documents where ticket_id = ${id}`.execute(owner.db);
    expect(left.rows).toEqual([]);
  });

  it('keeps a huge thread searchable and open for replies past the 1 MB tsvector limit', async () => {
    const [subject, early, middle] = [unique('hugesubject'), unique('early'), unique('middle')];
    const id = await open(`Logs ${subject}`, `First dump ${early}.`);
    // Messages of 5,555 distinct words (49,994 characters): ~66 kB of lexemes and positions each,
    // ~44 kB without positions. One at a time, as the app writes them, the document passes 1 MB
    // with positions at the 16th (and is stripped), and without positions at the 24th (from then
    // on it stays as it was).
    const dumps = async (count: number) => {
      for (let i = 0; i < count; i++)
        await sql`insert into ticket_messages (ticket_id, body, body_html, visibility, channel, language)
          select ${id}, string_agg('q' || substr(md5(random()::text), 1, 7), ' '), '<p>dump</p>', 'public',
            'api', 'english'
          from generate_series(1, 5555)`.execute(owner.db);
    };
    const words = () => Array.from({ length: 5555 }, () => `q${Math.random().toString(36).slice(2, 9)}`);

    await dumps(16);
    await reply(agent.client, id, `${middle} ${words().join(' ')}`.slice(0, 50_000));
    expect(ids(await search(customer.client, middle))).toEqual([id]);
    await dumps(12);
    await reply(agent.client, id, words().join(' '));
    // Both documents fell back to words without positions on the way (the first message's words
    // have none left), and then stopped taking words: fewer than the 30 × 5,555 written.
    const docs = await sql<{ stripped: boolean; words: number }>`
      select (select u.positions is null from unnest(d.doc) u
          where u.lexeme = any(tsvector_to_array(to_tsvector('english', ${early})))) as stripped,
        length(d.doc) as words
      from ticket_search_documents d where d.ticket_id = ${id}`.execute(owner.db);
    expect(docs.rows).toHaveLength(2);
    for (const row of docs.rows) {
      expect(row.stripped).toBe(true);
      expect(row.words).toBeLessThan(30 * 5555);
    }
    await reply(customer.client, id, 'Any news?');
    expect(ids(await search(customer.client, subject))).toEqual([id]);
    expect(ids(await search(customer.client, early))).toEqual([id]);
    expect(ids(await search(agent.client, `${subject} ${early} ${middle}`))).toEqual([id]);
    // Thirty 1 MB document rewrites: ~10 s alone, three times that while CI's browser suites share
    // the two cores, so it gets its own allowance rather than the suite's 30 s.
  }, 120_000);

  it('hides the documents from the app role: a customer reads none, not even their own', async () => {
    const word = unique('walled');
    const id = await open(`Wall ${word}`, 'Public text.');
    await reply(agent.client, id, `Note ${word}`, 'internal');
    const other = (await createSignedIn(t, ['customer'])).id;
    for (const userId of [customer.id, other]) {
      const rows = await asApp(owner, userId, ['tickets:read:own'], async (trx) => ({
        all: (await sql`select ticket_id from ticket_search_documents`.execute(trx)).rows,
        mine: (await sql`select doc from ticket_search_documents where ticket_id = ${id}`.execute(trx)).rows,
      }));
      expect(rows).toEqual({ all: [], mine: [] });
    }
    const team = await asApp(owner, agent.id, ['tickets:read:any'], (trx) =>
      sql<{ audience: string }>`select audience from ticket_search_documents where ticket_id = ${id}
        order by audience`.execute(trx),
    );
    expect(team.rows.map((r) => r.audience)).toEqual(['public', 'team']);

    // Nobody writes them but the triggers, nor calls the helpers that skip the actor checks.
    for (const statement of [
      sql`update ticket_search_documents set doc = ''::tsvector where ticket_id = ${id}`,
      sql`insert into ticket_search_documents values (${id}, 'team', 1, ${customer.id}, ''::tsvector)`,
      sql`select ticket_search_refresh(array[${id}]::uuid[])`,
      sql`select ticket_search_public_documents(to_tsquery('simple', ${word}), 50, ${other}::uuid)`,
      sql`select ticket_search_own_subjects(to_tsquery('simple', ${word}), 50, ${other}::uuid)`,
      sql`select ticket_search_team_subjects(to_tsquery('simple', ${word}), 50)`,
    ])
      await expect(
        asApp(owner, agent.id, ['tickets:read:any', 'tickets:update:any'], (trx) => statement.execute(trx)),
      ).rejects.toThrow(/permission denied/);
  });
});
