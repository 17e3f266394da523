import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

// A long time-to-live, so only the change notices can explain a list being read again in time.
const env = { MFA_REQUIRED_ROLES: 'none', TICKET_LIST_CACHE_SECONDS: '120' };

let t: TestApp;
let owner: pg.Client;
let customer: SessionClient;
let other: SessionClient;
let agentA: SessionClient;
let agentB: SessionClient;
let agentAId: string;

beforeAll(async () => {
  t = await buildTestApp({ env });
  const [c, o, a, b] = [
    await createUser(t, ['customer']),
    await createUser(t, ['customer']),
    await createUser(t, ['agent']),
    await createUser(t, ['agent']),
  ];
  agentAId = a.id;
  customer = await signInAs(t.app, c.email);
  other = await signInAs(t.app, o.email);
  agentA = await signInAs(t.app, a.email);
  agentB = await signInAs(t.app, b.email);
  // As the database owner, like an operator with psql: no app code runs on this path.
  owner = new pg.Client({ connectionString: t.database.url });
  await owner.connect();
});
afterAll(async () => {
  await owner?.end();
  await t?.close();
});

type Row = { id: string; subject: string; status: string };
const items = async (client: SessionClient, query = '') => {
  const res = await client.get(`/api/v1/tickets${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as Row[];
};
const subjectOf = async (client: SessionClient, id: string) =>
  (await items(client, '?view=open')).find((r) => r.id === id)?.subject;

describe('ticket lists kept in memory', () => {
  it('are shared by the team, and dropped by any committed change, whoever made it', async () => {
    const opened = (await customer.post('/api/v1/tickets', { subject: 'Kept list', body: 'Hi' })).json();
    // A change through the app shows on the very next list.
    expect(await subjectOf(agentA, opened.id)).toBe('Kept list');

    await owner.query('alter table tickets disable trigger tickets_changed');
    try {
      await owner.query(`update tickets set subject = 'Changed silently' where id = $1`, [opened.id]);
      // Nothing announced it: agent B gets the copy agent A's list left, not a read of its own.
      expect(await subjectOf(agentB, opened.id)).toBe('Kept list');
    } finally {
      await owner.query('alter table tickets enable trigger tickets_changed');
    }

    await owner.query(`update tickets set subject = 'Changed and announced' where id = $1`, [opened.id]);
    await waitFor(
      async () => (await subjectOf(agentB, opened.id)) === 'Changed and announced',
      5000,
      'the notice to drop the kept list',
    );
  });

  it('never hands one customer’s list, or one agent’s own view, to anyone else', async () => {
    const mine = (await customer.post('/api/v1/tickets', { subject: 'Mine only', body: 'A' })).json();
    const theirs = (await other.post('/api/v1/tickets', { subject: 'Theirs only', body: 'B' })).json();
    const claimed = await agentA.request(
      'PATCH',
      `/api/v1/tickets/${mine.id}`,
      { assigneeId: agentAId },
      { 'if-match': `"${mine.version}"` },
    );
    expect(claimed.statusCode, claimed.body).toBe(200);

    const customerSees = (await items(customer)).map((r) => r.id);
    const otherSees = (await items(other)).map((r) => r.id);
    expect(customerSees).toContain(mine.id);
    expect(customerSees).not.toContain(theirs.id);
    expect(otherSees).toEqual([theirs.id]);

    expect((await items(agentA, '?view=mine')).map((r) => r.id)).toEqual([mine.id]);
    expect(await items(agentB, '?view=mine')).toEqual([]);
    expect((await items(agentB, '?assignee=me')).map((r) => r.id)).toEqual([]);
  });

  it('show a status change made through the app on the next request', async () => {
    const opened = (await customer.post('/api/v1/tickets', { subject: 'Status soon', body: 'C' })).json();
    expect((await items(agentA, '?view=open')).map((r) => r.id)).toContain(opened.id);
    const resolved = await agentA.request(
      'PATCH',
      `/api/v1/tickets/${opened.id}`,
      { status: 'resolved' },
      { 'if-match': `"${opened.version}"` },
    );
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect((await items(agentB, '?view=open')).map((r) => r.id)).not.toContain(opened.id);
    expect((await items(agentB, '?view=resolved')).map((r) => r.id)).toContain(opened.id);
  });
});
