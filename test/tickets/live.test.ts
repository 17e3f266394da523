import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { issueTokens, jwtClaims, registerTestClient, tokenRequest } from '../support/oauth.js';
import type { SessionClient } from '../support/session-client.js';

interface SseEvent {
  id: string;
  event: string;
  data: { ticketId: string; kind: string; to: string | null };
}

/** Reads an SSE stream; `next(kind)` waits for the next event of that kind, keeping all it saw. */
async function openStream(url: string, cookie: string, lastEventId?: string) {
  const abort = new AbortController();
  // A cookie, or an access token as `Bearer …`.
  const credentials: Record<string, string> = cookie.startsWith('Bearer ')
    ? { authorization: cookie }
    : { cookie };
  const res = await fetch(url, {
    headers: {
      ...credentials,
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const seen: SseEvent[] = [];
  let buffer = '';
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  let ended = false;
  async function next(kind: string, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = seen.find((e) => e.event === kind && !(e as { taken?: boolean }).taken);
      if (found) {
        Object.assign(found, { taken: true });
        return found;
      }
      if (Date.now() > deadline)
        throw new Error(`no ${kind} event; saw ${seen.map((e) => e.event).join(', ')}`);
      // One read in flight at a time: a read that loses the race keeps its chunk for the next turn.
      pending ??= reader.read().then((chunk) => {
        pending = undefined;
        if (chunk.done) ended = true;
        return chunk;
      });
      const chunk = ended
        ? { value: undefined }
        : await Promise.race([
            pending,
            new Promise<{ value: undefined }>((r) => setTimeout(() => r({ value: undefined }), 200)),
          ]);
      if (chunk.value) buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trim();
        const data = field('data');
        if (data) seen.push({ id: field('id')!, event: field('event')!, data: JSON.parse(data) });
        end = buffer.indexOf('\n\n');
      }
    }
  }
  return { next, seen, ended: () => ended, close: () => abort.abort() };
}

let a: TestApp;
let b: TestApp;
let baseUrl: string;
let customer: SessionClient;
let agentOnB: SessionClient;
let agentCookieOnA: string;
const jwtGrant = (jwt: string) => jwtClaims(jwt).gid as string;
const cookieOf = (client: SessionClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

beforeAll(async () => {
  // Two nodes on one database: a change made through B must reach a browser connected to A.
  a = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  b = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' }, database: a.database });
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
  const [c, agent] = [await createUser(a, ['customer']), await createUser(a, ['agent'])];
  customer = await signInAs(a.app, c.email);
  agentOnB = await signInAs(b.app, agent.email);
  agentCookieOnA = cookieOf(await signInAs(a.app, agent.email));
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('live updates over SSE', () => {
  it('a browser on node A sees a reply posted through node B, never the internal note, and catches up with Last-Event-ID', async () => {
    const ticket = (await customer.post('/api/v1/tickets', { subject: 'Live', body: 'Hello' })).json();
    const stream = await openStream(`${baseUrl}/api/v1/tickets/${ticket.id}/stream`, cookieOf(customer));

    const note = await agentOnB.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'secret',
      visibility: 'internal',
    });
    const reply = await agentOnB.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'On it' });
    const event = await stream.next('reply');
    expect(event.data).toMatchObject({ ticketId: ticket.id, kind: 'reply', to: reply.json().id });
    expect(stream.seen.map((e) => e.event)).not.toContain('note');
    expect(JSON.stringify(stream.seen)).not.toContain(note.json().id);
    stream.close();

    // Offline for a while: the ticket is resolved meanwhile; reconnecting with the last id catches up.
    const current = (await agentOnB.get(`/api/v1/tickets/${ticket.id}`)).json();
    await agentOnB.request(
      'PATCH',
      `/api/v1/tickets/${ticket.id}`,
      { status: 'resolved' },
      { 'if-match': `"${current.version}"` },
    );
    const again = await openStream(
      `${baseUrl}/api/v1/tickets/${ticket.id}/stream`,
      cookieOf(customer),
      event.id,
    );
    expect((await again.next('status')).data.to).toBe('resolved');
    again.close();
  });

  it('the inbox stream tells the team about a new ticket opened on another node', async () => {
    const inbox = await openStream(`${baseUrl}/api/v1/tickets/stream`, agentCookieOnA);
    const other = await signInAs(b.app, (await createUser(b, ['customer'])).email);
    const ticket = (await other.post('/api/v1/tickets', { subject: 'New one', body: 'Hi' })).json();
    expect((await inbox.next('created')).data.ticketId).toBe(ticket.id);
    inbox.close();
  });

  it('ends the stream of a session that was revoked, before it sends anything more', async () => {
    const user = await createUser(a, ['customer']);
    const client = await signInAs(a.app, user.email);
    const ticket = (await client.post('/api/v1/tickets', { subject: 'Revoked', body: 'Hi' })).json();
    const stream = await openStream(`${baseUrl}/api/v1/tickets/${ticket.id}/stream`, cookieOf(client));
    await a.platform.sessions.deleteByUser(user.id);
    expect(
      (await agentOnB.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Too late' })).statusCode,
    ).toBe(201);
    await expect(stream.next('reply', 2000)).rejects.toThrow(/no reply event/);
    expect(stream.ended()).toBe(true);
    // Reconnecting with the dead cookie is refused.
    const again = await fetch(`${baseUrl}/api/v1/tickets/${ticket.id}/stream`, {
      headers: { cookie: cookieOf(client), accept: 'text/event-stream' },
    });
    expect(again.status).toBe(401);
  });

  it('ends a demoted agent’s inbox stream before it sends another customer’s ticket', async () => {
    const agent = await createUser(a, ['agent']);
    const inbox = await openStream(
      `${baseUrl}/api/v1/tickets/stream`,
      cookieOf(await signInAs(a.app, agent.email)),
    );
    const other = await signInAs(b.app, (await createUser(b, ['customer'])).email);
    await other.post('/api/v1/tickets', { subject: 'Before', body: 'Hi' });
    await inbox.next('created');
    // Demoted on another node: this node learns it from the database, not from its own request.
    await b.platform.database.db
      .updateTable('users')
      .set({ roles: ['customer'] })
      .where('id', '=', agent.id)
      .execute();
    const secret = (await other.post('/api/v1/tickets', { subject: 'After', body: 'Private' })).json();
    await expect(inbox.next('created', 2000)).rejects.toThrow(/no created event/);
    expect(inbox.ended()).toBe(true);
    expect(JSON.stringify(inbox.seen)).not.toContain(secret.id);
  });

  it('ends the stream of a disabled account, though its session row is still there', async () => {
    const user = await createUser(a, ['customer']);
    const client = await signInAs(a.app, user.email);
    const ticket = (await client.post('/api/v1/tickets', { subject: 'Disabled', body: 'Hi' })).json();
    const stream = await openStream(`${baseUrl}/api/v1/tickets/${ticket.id}/stream`, cookieOf(client));
    await a.platform.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', user.id)
      .execute();
    await agentOnB.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Too late' });
    await expect(stream.next('reply', 2000)).rejects.toThrow(/no reply event/);
    expect(stream.ended()).toBe(true);
  });

  it('ends a stream opened with an access token once the token is revoked, or its grant is', async () => {
    const { clientId } = await registerTestClient(a);
    const user = await createUser(a, ['customer']);
    const browser = await signInAs(a.app, user.email);
    const ticket = (await browser.post('/api/v1/tickets', { subject: 'Token', body: 'Hi' })).json();
    const url = `${baseUrl}/api/v1/tickets/${ticket.id}/stream`;
    const tokens = async () => issueTokens(a.app, browser, a.config.PUBLIC_URL, clientId);

    // The token itself, at the revocation endpoint.
    const first = await tokens();
    const stream = await openStream(url, `Bearer ${first.access_token}`);
    await agentOnB.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Seen' });
    await stream.next('reply');
    const revoked = await tokenRequest(
      a.app,
      { token: first.access_token, client_id: clientId },
      undefined,
      '/oauth/token/revocation',
    );
    expect(revoked.statusCode).toBe(200);
    await agentOnB.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Too late' });
    await expect(stream.next('reply', 2000)).rejects.toThrow(/no reply event/);
    expect(stream.ended()).toBe(true);

    // Every grant of the user, as signing them out everywhere does.
    const second = await tokens();
    const again = await openStream(url, `Bearer ${second.access_token}`);
    await a.platform.database.db
      .deleteFrom('oauth_store')
      .where('model', '=', 'Grant')
      .where('id', '=', jwtGrant(second.access_token))
      .execute();
    await agentOnB.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Also too late' });
    await expect(again.next('reply', 2000)).rejects.toThrow(/no reply event/);
    expect(again.ended()).toBe(true);
  });

  it('answers 406 to a client that does not ask for an event stream', async () => {
    const res = await fetch(`${baseUrl}/api/v1/tickets/stream`, { headers: { cookie: agentCookieOnA } });
    expect(res.status).toBe(406);
  });
});
