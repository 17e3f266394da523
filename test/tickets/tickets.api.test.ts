import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/connection.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { asApp, ownerDatabase } from '../support/app-role.js';
import type { SessionClient } from '../support/session-client.js';

let t: TestApp;
let owner: Database;
let customer: SessionClient;
let other: SessionClient;
let agent: SessionClient;
let agentId: string;
let customerId: string;

beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  const [c, o, a] = [
    await createUser(t, ['customer']),
    await createUser(t, ['customer']),
    await createUser(t, ['agent']),
  ];
  [customerId, agentId] = [c.id, a.id];
  [customer, other, agent] = [
    await signInAs(t.app, c.email),
    await signInAs(t.app, o.email),
    await signInAs(t.app, a.email),
  ];
  owner = ownerDatabase(t);
});
afterAll(async () => {
  await owner?.close();
  await t?.close();
});

const open = (client: SessionClient, body: object, headers: Record<string, string> = {}) =>
  client.post('/api/v1/tickets', body, headers);
const change = (client: SessionClient, id: string, version: number | undefined, body: object) =>
  client.request(
    'PATCH',
    `/api/v1/tickets/${id}`,
    body,
    version === undefined ? {} : { 'if-match': `"${version}"` },
  );

describe('tickets API', () => {
  it('opens a ticket once per Idempotency-Key, with a human key and an ETag', async () => {
    const body = {
      subject: 'VPN drops every few minutes',
      body: 'Since this **morning**. <script>x</script>',
    };
    const first = await open(customer, body, { 'idempotency-key': 'retry-key-0001' });
    expect(first.statusCode, first.body).toBe(201);
    const ticket = first.json();
    expect(ticket.key).toMatch(/^SB-\d{5,}$/);
    expect(ticket).toMatchObject({
      status: 'open',
      priority: 'normal',
      channel: 'web',
      requesterId: customerId,
      version: 1,
    });
    expect(first.headers.etag).toBe('"1"');

    const retry = await open(customer, body, { 'idempotency-key': 'retry-key-0001' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(ticket.id);
    const reused = await open(
      customer,
      { ...body, subject: 'Something else' },
      { 'idempotency-key': 'retry-key-0001' },
    );
    expect(reused.statusCode).toBe(409);
    const count = await t.platform.database.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('subject', '=', body.subject)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);

    // Markdown rendered, raw HTML shown as text.
    const [message] = (await customer.get(`/api/v1/tickets/${ticket.id}/messages`)).json().items;
    expect(message.bodyHtml).toContain('<strong>morning</strong>');
    expect(message.bodyHtml).not.toContain('<script>');
    expect(message.bodyHtml).toContain('&lt;script&gt;');
  });

  it('runs the whole conversation: claim, reply, internal note, resolve, reopen by the customer', async () => {
    const ticket = (await open(customer, { subject: 'Printer jams', body: 'Every page.' })).json();
    // Another customer: the ticket does not exist for them.
    expect((await other.get(`/api/v1/tickets/${ticket.id}`)).statusCode).toBe(404);
    expect((await other.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'hi' })).statusCode).toBe(404);
    expect((await other.get('/api/v1/tickets')).json().items.map((x: { id: string }) => x.id)).not.toContain(
      ticket.id,
    );

    const unassigned = (await agent.get('/api/v1/tickets?view=unassigned&limit=100')).json().items;
    expect(unassigned.map((x: { id: string }) => x.id)).toContain(ticket.id);
    expect((await change(agent, ticket.id, undefined, { assigneeId: agentId })).statusCode).toBe(428);
    const claimed = await change(agent, ticket.id, 1, { assigneeId: agentId });
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json()).toMatchObject({ assigneeId: agentId, version: 2 });

    expect(
      (await agent.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Try the other tray.' })).statusCode,
    ).toBe(201);
    const note = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'Tray 2 is broken, order a part',
      visibility: 'internal',
    });
    expect(note.statusCode).toBe(201);
    expect(
      (await customer.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'x', visibility: 'internal' }))
        .statusCode,
    ).toBe(403);
    const seen = (await customer.get(`/api/v1/tickets/${ticket.id}/messages`)).json().items;
    expect(seen.map((m: { body: string }) => m.body)).toEqual(['Every page.', 'Try the other tray.']);
    expect(seen[1].authorName).toMatch(/^agent/);
    expect((await agent.get(`/api/v1/tickets/${ticket.id}/messages`)).json().items).toHaveLength(3);

    const current = (await agent.get(`/api/v1/tickets/${ticket.id}`)).json();
    const resolved = (await change(agent, ticket.id, current.version, { status: 'resolved' })).json();
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedAt).not.toBeNull();
    // The customer may not change priority, only close.
    expect((await change(customer, ticket.id, resolved.version, { priority: 'low' })).statusCode).toBe(403);

    const reply = await customer.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Still jams.' });
    expect(reply.json()).toMatchObject({ reopened: true });
    const reopened = (await customer.get(`/api/v1/tickets/${ticket.id}`)).json();
    expect(reopened).toMatchObject({ status: 'open', resolvedAt: null });

    // The customer's timeline leaves out the internal note; the team's has it.
    const timeline = async (client: SessionClient) =>
      (await client.get(`/api/v1/tickets/${ticket.id}/events`))
        .json()
        .items.map((e: { kind: string; to: string | null }) =>
          e.kind === 'status' || e.kind === 'assignee' ? [e.kind, e.to] : [e.kind],
        );
    expect(await timeline(customer)).toEqual([
      ['created'],
      ['assignee', agentId],
      ['reply'],
      ['status', 'resolved'],
      ['reply'],
      ['status', 'open'],
    ]);
    expect(await timeline(agent)).toEqual([
      ['created'],
      ['assignee', agentId],
      ['reply'],
      ['note'],
      ['status', 'resolved'],
      ['reply'],
      ['status', 'open'],
    ]);

    const closed = await change(customer, ticket.id, reopened.version, { status: 'closed' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().closedAt).not.toBeNull();
  });

  it('refuses a stale write with 412 and loses nothing', async () => {
    const ticket = (await open(customer, { subject: 'Two agents', body: 'Race.' })).json();
    const first = await change(agent, ticket.id, 1, { priority: 'high' });
    expect(first.statusCode).toBe(200);
    const stale = await change(agent, ticket.id, 1, { priority: 'low', tags: ['lost'] });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    const now = (await agent.get(`/api/v1/tickets/${ticket.id}`)).json();
    expect(now).toMatchObject({ priority: 'high', tags: [], version: 2 });
  });

  it('keeps priority handling for premium customers and the team', async () => {
    const urgent = await open(customer, { subject: 'Now!', body: 'Please', priority: 'urgent' });
    expect(urgent.statusCode).toBe(400);
    expect(urgent.json().errors[0].pointer).toBe('/body/priority');
    const premium = await signInAs(t.app, (await createUser(t, ['premium'])).email);
    expect((await open(premium, { subject: 'Now!', body: 'Please', priority: 'urgent' })).statusCode).toBe(
      201,
    );
  });

  it('the database itself hides other customers’ tickets and every internal note', async () => {
    const ticket = (await open(customer, { subject: 'Wall', body: 'Public' })).json();
    await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'Secret note',
      visibility: 'internal',
    });
    const asCustomer = (userId: string) =>
      asApp(owner, userId, ['tickets:read:own'], async (trx) => {
        const tickets = await sql<{ id: string }>`select id from tickets`.execute(trx);
        const notes = await sql<{
          body: string;
        }>`select body from ticket_messages where ticket_id = ${ticket.id}`.execute(trx);
        return { tickets: tickets.rows.map((r) => r.id), bodies: notes.rows.map((r) => r.body) };
      });
    const mine = await asCustomer(customerId);
    expect(mine.tickets).toContain(ticket.id);
    expect(mine.bodies).toEqual(['Public']);
    const theirs = await asCustomer((await createUser(t, ['customer'])).id);
    expect(theirs.tickets).toEqual([]);
    expect(theirs.bodies).toEqual([]);
  });
});

describe('search', () => {
  it('finds a word in a message body, ranks subject hits first, and never shows another customer’s ticket', async () => {
    const word = `zebra${Date.now()}`;
    const inBody = (
      await open(customer, {
        subject: 'Screen flickers',
        body: `It shows a ${word} pattern when 1 < 2 & more`,
      })
    ).json();
    const inSubject = (
      await open(customer, { subject: `${word} stripes on screen`, body: 'See subject' })
    ).json();
    const foreign = (await open(other, { subject: `My ${word} problem`, body: word })).json();
    const noted = (await open(customer, { subject: 'Mouse', body: 'Broken' })).json();
    await agent.post(`/api/v1/tickets/${noted.id}/messages`, {
      body: `internal ${word}`,
      visibility: 'internal',
    });

    const mine = (await customer.get(`/api/v1/tickets/search?q=${word}`)).json().items;
    expect(mine.map((h: { ticket: { id: string } }) => h.ticket.id)).toEqual([inSubject.id, inBody.id]);
    expect(mine[0].subjectHtml).toContain(`<mark>${word}</mark>`);
    expect(mine[1].snippetHtml).toContain(`<mark>${word}</mark>`);
    // Message text is escaped before highlighting: what was typed stays text.
    expect(mine[1].snippetHtml).toContain('1 &lt; 2 &amp; more');
    expect(mine.map((h: { ticket: { id: string } }) => h.ticket.id)).not.toContain(foreign.id);
    expect(mine.map((h: { ticket: { id: string } }) => h.ticket.id)).not.toContain(noted.id);

    // The team finds all of them, internal notes included; stemming finds "stripe" for "stripes".
    const team = (await agent.get(`/api/v1/tickets/search?q=${word}&limit=50`)).json().items;
    expect(team.map((h: { ticket: { id: string } }) => h.ticket.id)).toEqual(
      expect.arrayContaining([inSubject.id, inBody.id, foreign.id, noted.id]),
    );
    const stemmed = (
      await customer.get(`/api/v1/tickets/search?q=${encodeURIComponent(`${word} stripe`)}`)
    ).json().items;
    expect(stemmed[0].ticket.id).toBe(inSubject.id);
  });
});

describe('keyset pages over 10,000 tickets', () => {
  it('shows every ticket exactly once while new tickets keep arriving', async () => {
    const requester = await createUser(t, ['customer']);
    await sql`insert into tickets (subject, requester_id, channel)
      select 'Bulk ' || g, ${requester.id}, 'api' from generate_series(1, 10000) g`.execute(
      t.platform.database.db,
    );
    const existing = await t.platform.database.db
      .selectFrom('tickets')
      .select('id')
      .where('requester_id', '=', requester.id)
      .execute();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/v1/tickets?requester=${requester.id}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await agent.get(query);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      seen.push(...page.items.map((x: { id: string }) => x.id));
      cursor = page.nextCursor;
      // New tickets arrive between pages (they sort first: never on a later page).
      await sql`insert into tickets (subject, requester_id, channel) values ('Arrived', ${requester.id}, 'api')`.execute(
        t.platform.database.db,
      );
      pages++;
    } while (cursor);
    expect(pages).toBe(100);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(existing.map((r) => r.id)));
    expect((await agent.get('/api/v1/tickets?cursor=not-a-cursor')).statusCode).toBe(400);
    // Well-formed but edited, or another sort's: refused as such, never a database error.
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const [sort, cursor] of [
      ['-created', forged(['x', 'y'])],
      ['-updated', forged(['10001', '00000000-0000-0000-0000-000000000000'])],
      ['created', forged(['2026-12-02 10:00:00+00', '00000000-0000-0000-0000-000000000000'])],
    ]) {
      const res = await agent.get(`/api/v1/tickets?sort=${sort}&cursor=${cursor}`);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].pointer).toBe('/querystring/cursor');
    }
  }, 120_000);
});
