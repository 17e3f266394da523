import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';

let t: TestApp;
let customer: SessionClient;
let agent: SessionClient;
let agentId: string;
let customerId: string;

beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  const [c, a] = [await createUser(t, ['customer']), await createUser(t, ['agent'])];
  [customerId, agentId] = [c.id, a.id];
  [customer, agent] = [await signInAs(t.app, c.email), await signInAs(t.app, a.email)];
});
afterAll(async () => {
  await t?.close();
});

interface Opened {
  id: string;
  key: string;
  version: number;
}
const open = async (subject = 'Printer on fire'): Promise<Opened> => {
  const res = await customer.post('/api/v1/tickets', { subject, body: 'Smoke everywhere.' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};
const html = { accept: 'text/html' };
const page = (client: SessionClient, url: string) => client.request('GET', url, undefined, html);
const post = (client: SessionClient, url: string, body: object) => client.request('POST', url, body, html);
const current = async (id: string) => (await agent.get(`/api/v1/tickets/${id}`)).json();

describe('agent inbox pages', () => {
  it('are for the team: customers get 403, strangers sign in first, unknown keys are 404', async () => {
    const ticket = await open();
    expect((await page(customer, '/inbox')).statusCode).toBe(403);
    expect((await page(customer, `/inbox/${ticket.key}`)).statusCode).toBe(403);
    expect((await post(customer, `/inbox/${ticket.key}/claim`, { version: '1' })).statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/inbox', headers: html });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Finbox');
    expect((await page(agent, '/inbox/SB-1')).statusCode).toBe(404);
    expect((await page(agent, '/inbox/not-a-key')).statusCode).toBe(404);
  });

  it('lists tickets with view counts; bad filters and cursors are messages with 400, not 500', async () => {
    const ticket = await open('Unique subject for the list');
    const listed = await page(agent, '/inbox?view=unassigned');
    expect(listed.statusCode).toBe(200);
    expect(listed.body).toContain(ticket.key);
    expect(listed.body).toMatch(/data-testid="count-unassigned">\d+</);
    const fragment = await page(agent, '/inbox/list?view=unassigned');
    expect(fragment.body).toContain('id="inbox-results"');
    expect(fragment.body).not.toContain('<html');
    for (const query of [
      'view=everything',
      'status=nope',
      'priority=extreme',
      'category=42',
      'assignee=someone',
      'channel=pigeon',
      'tag=%20%20bad%20tag',
      'from=yesterday',
      'to=2026-13-45',
      'sort=random',
    ]) {
      const res = await page(agent, `/inbox?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.body, query).toContain('field-error');
    }
    const forged = Buffer.from(JSON.stringify(['not-a-date', 'x'])).toString('base64url');
    for (const cursor of ['garbage', forged]) {
      const res = await page(agent, `/inbox?sort=-updated&cursor=${cursor}`);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('That page link is broken');
    }
  });

  it('refuses bad changes on the ticket page with a message and 400', async () => {
    const ticket = await open();
    const url = `/inbox/${ticket.key}`;
    const base = { version: String(ticket.version), was_category: 'none', category: 'none' };
    const cases: [string, object, string][] = [
      ['/change', { ...base, category: 'not-a-category' }, 'Choose a category'],
      ['/change', { ...base, category: '00000000-0000-4000-8000-000000000000' }, 'no such category'],
      ['/change', { ...base, assignee: customerId, was_assignee: 'none' }, 'active member of the team'],
      ['/change', { ...base, status: 'sleeping', was_status: 'open' }, 'no status sleeping'],
      ['/change', { ...base, tags: 'ok, not/ok', was_tags: '' }, 'Use up to 20 tags'],
      ['/change', { status: 'resolved', was_status: 'open' }, 'Reload the page'],
      ['/reply', { body: '   ', visibility: 'public' }, 'Write a message first'],
      ['/time', { minutes: 'lots' }, 'between 1 and 1440'],
      ['/time', { minutes: '5000' }, 'between 1 and 1440'],
      ['/time', { minutes: '30', date: '2026-02-31x' }, 'YYYY-MM-DD'],
    ];
    for (const [action, body, text] of cases) {
      const res = await post(agent, `${url}${action}`, body);
      expect(res.statusCode, `${action} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body).toContain(text);
    }
    expect((await current(ticket.id)).version).toBe(ticket.version);
  });

  it('reports a stale change, shows the ticket as it is now and keeps what was typed', async () => {
    const ticket = await open();
    const changed = await agent.request(
      'PATCH',
      `/api/v1/tickets/${ticket.id}`,
      { priority: 'high' },
      { 'if-match': `"${ticket.version}"` },
    );
    expect(changed.statusCode).toBe(200);
    const stale = await post(agent, `/inbox/${ticket.key}/reply`, {
      version: String(ticket.version),
      body: 'We are on it, draft that must survive',
      visibility: 'public',
      then_status: 'waiting_on_customer',
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.body).toContain('Someone else changed this ticket');
    expect(stale.body).toContain('draft that must survive');
    expect(stale.body).toContain('High priority');
    const messages = (await agent.get(`/api/v1/tickets/${ticket.id}/messages`)).json().items;
    expect(messages).toHaveLength(1);

    const claim = await post(agent, `/inbox/${ticket.key}/claim`, { version: String(ticket.version) });
    expect(claim.statusCode).toBe(412);
    const fresh = await current(ticket.id);
    const claimed = await post(agent, `/inbox/${ticket.key}/claim`, { version: String(fresh.version) });
    expect(claimed.statusCode).toBe(303);
    expect(claimed.headers.location).toBe(`/inbox/${ticket.key}?done=claimed`);
    expect((await current(ticket.id)).assigneeId).toBe(agentId);
  });

  it('bulk-changes a selection and says which tickets were stale; refuses empty requests', async () => {
    const [a, b] = [await open('Bulk one'), await open('Bulk two')];
    await agent.request(
      'PATCH',
      `/api/v1/tickets/${b.id}`,
      { tags: ['moved'] },
      { 'if-match': `"${b.version}"` },
    );
    const res = await post(agent, '/inbox/bulk', {
      ticket: [`${a.id}:${a.version}`, `${b.id}:${b.version}`],
      assignee: 'me',
      priority: 'urgent',
      return: 'view=open',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`Changed ${a.key}.`);
    expect(res.body).toContain(`someone else changed them after the list loaded: ${b.key}`);
    expect(await current(a.id)).toMatchObject({ assigneeId: agentId, priority: 'urgent' });
    expect(await current(b.id)).toMatchObject({ assigneeId: null, priority: 'normal' });

    const none = await post(agent, '/inbox/bulk', { assignee: 'me', return: '' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Select one or more tickets first.');
    const nothing = await post(agent, '/inbox/bulk', { ticket: `${a.id}:9` });
    expect(nothing.statusCode).toBe(400);
    expect(nothing.body).toContain('Choose what to change');
    const badAssignee = await post(agent, '/inbox/bulk', { ticket: `${a.id}:9`, assignee: 'bob' });
    expect(badAssignee.statusCode).toBe(400);
    const badStatus = await post(agent, '/inbox/bulk', {
      ticket: `${a.id}:${(await current(a.id)).version}`,
      status: 'sleeping',
    });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.body).toContain('There is no status sleeping.');

    // When every ticket changed: post/redirect/get, and the list says what changed (role=status).
    const c = await open('Bulk three');
    const done = await post(agent, '/inbox/bulk', {
      ticket: `${c.id}:${c.version}`,
      priority: 'high',
      return: 'view=all&priority=normal',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/inbox?view=all&priority=normal&changed=${c.key}`);
    const after = await page(agent, done.headers.location as string);
    expect(after.body).toMatch(new RegExp(`role="status"[^]*Changed ${c.key}\\.`));
  });

  it('counts every view under the filters in force and shows each filter as a chip that removes it', async () => {
    const words = `zebra${Date.now()}`;
    const [a, b] = [await open(`Printer ${words}`), await open('Scanner jams')];
    for (const [ticket, change] of [
      [a, { tags: [words] }],
      [b, { tags: [words], priority: 'urgent' }],
    ] as const)
      await agent.request('PATCH', `/api/v1/tickets/${ticket.id}`, change, {
        'if-match': `"${ticket.version}"`,
      });
    const countOf = (body: string, view: string) =>
      Number(new RegExp(`data-testid="count-${view}">(\\d+)<`).exec(body)?.[1]);
    const tagged = await page(agent, `/inbox?view=unassigned&tag=${words}`);
    expect(countOf(tagged.body, 'unassigned')).toBe(2);
    expect(countOf(tagged.body, 'mine')).toBe(0);
    const urgent = await page(agent, `/inbox?view=unassigned&tag=${words}&priority=urgent`);
    expect(countOf(urgent.body, 'unassigned')).toBe(1);
    expect(countOf(urgent.body, 'all')).toBe(1);
    expect(urgent.body).toContain(`data-testid="row-${b.key}"`);
    expect(urgent.body).toMatch(/data-chip="priority"[^>]*aria-label="Remove filter Priority: Urgent"/);
    expect(urgent.body).toContain(`href="/inbox?view=unassigned&amp;tag=${words}"`);
    const found = await page(agent, `/inbox?view=all&q=${words}`);
    expect(countOf(found.body, 'all')).toBe(1);
    expect(found.body).toContain(`data-testid="row-${a.key}"`);
    expect(found.body).not.toContain(`data-testid="row-${b.key}"`);
    expect(found.body).toContain('data-chip="q"');
    const fragment = await page(agent, `/inbox/list?view=all&q=${words}`);
    expect(fragment.body).toContain('id="inbox-views"');
    expect(countOf(fragment.body, 'all')).toBe(1);
  });

  it('searches every ticket for the team, internal notes included, with hits highlighted', async () => {
    const ticket = await open('Switch in room 4 reboots');
    const note = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'The firmware quarantine list names this switch.',
      visibility: 'internal',
    });
    expect(note.statusCode).toBe(201);
    const found = await page(agent, '/inbox/search?q=quarantine');
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`data-testid="hit-${ticket.key}"`);
    expect(found.body).toContain('<mark>quarantine</mark>');
    const bySubject = await page(agent, '/inbox/search?q=reboots');
    expect(bySubject.body).toContain('Switch in room 4 <mark>reboots</mark>');
    const none = await page(agent, '/inbox/search?q=xylophone');
    expect(none.body).toContain('Nothing matches');
    const tooLong = await page(agent, `/inbox/search?q=${'a'.repeat(250)}`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('at most 200 characters');
    expect((await page(customer, '/inbox/search?q=quarantine')).statusCode).toBe(403);
  });

  it('removes a time entry its agent logged, after asking, and nobody else’s', async () => {
    const ticket = await open('Time to remove');
    const other = await open('Another ticket');
    const logged = await post(agent, `/inbox/${ticket.key}/time`, { minutes: '30', note: 'Swapped toner' });
    expect(logged.statusCode, logged.body).toBe(303);
    const entries = async () =>
      (await agent.get(`/api/v1/tickets/${ticket.id}/time-entries`)).json().items as { id: string }[];
    const [entry] = await entries();
    const shown = await page(agent, `/inbox/${ticket.key}`);
    expect(shown.body).toContain(`action="/inbox/${ticket.key}/time/${entry!.id}/delete"`);
    expect(shown.body).toContain('data-confirm="Remove 30 min logged on');

    const teammate = await signInAs(t.app, (await createUser(t, ['agent'])).email);
    expect((await page(teammate, `/inbox/${ticket.key}`)).body).not.toContain(`/time/${entry!.id}/delete`);
    const theirs = await post(teammate, `/inbox/${ticket.key}/time/${entry!.id}/delete`, {});
    expect(theirs.statusCode).toBe(404);
    const elsewhere = await post(agent, `/inbox/${other.key}/time/${entry!.id}/delete`, {});
    expect(elsewhere.statusCode).toBe(404);
    expect(await entries()).toHaveLength(1);

    const removed = await post(agent, `/inbox/${ticket.key}/time/${entry!.id}/delete`, {});
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe(`/inbox/${ticket.key}?done=time_removed`);
    expect(await entries()).toEqual([]);
    expect((await page(agent, `/inbox/${ticket.key}?done=time_removed`)).body).toContain(
      'Time entry removed.',
    );
  });
});
