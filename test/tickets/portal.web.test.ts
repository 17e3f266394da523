import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';

let t: TestApp;
let customer: SessionClient;
let agent: SessionClient;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  customer = await signInAs(t.app, (await createUser(t, ['customer'])).email);
  agent = await signInAs(t.app, (await createUser(t, ['agent'])).email);
});
afterAll(() => t?.close());

const html = { accept: 'text/html' };
const tickets = async () =>
  Number(
    (
      await t.platform.database.db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Pages have no request schema in front of the use case: its own limits must answer, not the table's. */
describe('ticket forms past the table’s limits', () => {
  it('refuses a subject over 200 and a message over 50,000 characters next to the field, writing nothing', async () => {
    const before = await tickets();
    const longSubject = await customer.request(
      'POST',
      '/tickets',
      { subject: 's'.repeat(201), body: 'Hi.' },
      html,
    );
    expect(longSubject.statusCode).toBe(400);
    expect(longSubject.body).toContain('Keep the subject to 200 characters.');
    const longBody = await customer.request(
      'POST',
      '/tickets',
      { subject: 'Fine', body: 'b'.repeat(50_001) },
      html,
    );
    expect(longBody.statusCode).toBe(400);
    expect(longBody.body).toContain('Keep a message to 50,000 characters.');
    expect(await tickets()).toBe(before);

    const opened = (await customer.post('/api/v1/tickets', { subject: 'Fine', body: 'Hi.' })).json();
    const reply = await customer.request(
      'POST',
      `/tickets/${opened.key}/replies`,
      { body: 'r'.repeat(50_001) },
      html,
    );
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain('Keep a message to 50,000 characters.');
    const note = await agent.request(
      'POST',
      `/inbox/${opened.key}/reply`,
      { version: String(opened.version), visibility: 'internal', body: 'n'.repeat(50_001) },
      html,
    );
    expect(note.statusCode).toBe(400);
    expect(note.body).toContain('Keep a message to 50,000 characters.');
    const thread = (await agent.get(`/api/v1/tickets/${opened.id}/messages`)).json();
    expect(thread.items).toHaveLength(1);
  });
});
