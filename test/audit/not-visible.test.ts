import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/verify.js';
import type { Database } from '../../src/platform/db/connection.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { ownerDatabase } from '../support/app-role.js';

/** Issue 15 (Low): a signed-in caller probing for someone else's record gets a 404 and leaves a trace. */
let t: TestApp;
let owner: Database;
beforeAll(async () => {
  t = await buildTestApp();
  owner = ownerDatabase(t);
});
afterAll(async () => {
  await owner?.close();
  await t?.close();
});

const probes = () =>
  owner.db
    .selectFrom('audit_log')
    .select(['actor_type', 'actor_id', 'action', 'target_type', 'target_id', 'outcome', 'ip', 'details'])
    .where('action', '=', 'record.not_visible')
    .orderBy('id')
    .execute();

describe("a customer asking for another customer's ticket", () => {
  it('is told 404 as for a missing ticket, and the audit log names who asked for what, from where', async () => {
    const [a, b] = [await createUser(t, ['customer']), await createUser(t, ['customer'])];
    const clientA = await signInAs(t.app, a.email);
    const clientB = await signInAs(t.app, b.email);
    const created = await clientA.post('/api/v1/tickets', { subject: 'Printer on fire', body: 'Help' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;

    // The owner reads it: nothing recorded.
    expect((await clientA.get(`/api/v1/tickets/${id}`)).statusCode).toBe(200);
    expect(await probes()).toEqual([]);

    // B reads, reads the thread, and replies (a write whose transaction rolls back): all 404, all traced.
    const read = await clientB.get(`/api/v1/tickets/${id}`);
    expect(read.statusCode).toBe(404);
    expect((await clientB.get(`/api/v1/tickets/${id}/messages`)).statusCode).toBe(404);
    expect((await clientB.post(`/api/v1/tickets/${id}/messages`, { body: 'mine now' })).statusCode).toBe(404);
    const rows = await probes();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      actor_type: 'user',
      actor_id: b.id,
      action: 'record.not_visible',
      target_type: 'tickets',
      target_id: id,
      outcome: 'denied',
      ip: expect.any(String),
      details: { method: 'GET', route: '/api/v1/tickets/:id' },
    });
    expect(rows[2]!.details).toEqual({ method: 'POST', route: '/api/v1/tickets/:id/messages' });
    // The reply itself did not happen.
    const thread = (await clientA.get(`/api/v1/tickets/${id}/messages`)).json().items as { body: string }[];
    expect(thread.map((m) => m.body)).not.toContain('mine now');

    // The answer is exactly a missing ticket's, so the trace gives the prober nothing.
    const missing = await clientB.get('/api/v1/tickets/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    const { instance: _i, requestId: _r, ...problem } = missing.json();
    expect(read.json()).toMatchObject(problem);
    expect(await verifyAuditChain(owner.db)).toMatchObject({ ok: true });
  });

  it('an anonymous visitor is turned away before any lookup: nothing to trace', async () => {
    const before = (await probes()).length;
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tickets/00000000-0000-4000-8000-000000000000',
    });
    expect(res.statusCode).toBe(401);
    expect((await probes()).length).toBe(before);
  });
});
