import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';

let t: TestApp;
let customer: SessionClient;
let agent: SessionClient;
let admin: SessionClient;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  customer = await signInAs(t.app, (await createUser(t, ['customer'])).email);
  agent = await signInAs(t.app, (await createUser(t, ['agent'])).email);
  admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
});
afterAll(() => t.close());

describe('categories', () => {
  it('admins add, rename and archive them; customers file tickets under live ones only', async () => {
    expect((await agent.post('/api/v1/categories', { name: 'Hardware' })).statusCode).toBe(403);
    const hardware = (
      await admin.post('/api/v1/categories', { name: 'Hardware', description: 'Laptops, printers' })
    ).json();
    expect((await admin.post('/api/v1/categories', { name: 'hardware' })).statusCode).toBe(409);
    const renamed = await admin.patch(`/api/v1/categories/${hardware.id}`, { name: 'Devices' });
    expect(renamed.json()).toMatchObject({ name: 'Devices', archived: false });

    const filed = await customer.post('/api/v1/tickets', {
      subject: 'Laptop',
      body: 'Broken hinge',
      categoryId: hardware.id,
    });
    expect(filed.statusCode).toBe(201);
    expect(filed.json().categoryId).toBe(hardware.id);

    await admin.patch(`/api/v1/categories/${hardware.id}`, { archived: true });
    const offered = (await customer.get('/api/v1/categories')).json().items.map((c: { id: string }) => c.id);
    expect(offered).not.toContain(hardware.id);
    const all = (await agent.get('/api/v1/categories?archived=true'))
      .json()
      .items.map((c: { id: string }) => c.id);
    expect(all).toContain(hardware.id);
    const refused = await customer.post('/api/v1/tickets', {
      subject: 'Mouse',
      body: 'x',
      categoryId: hardware.id,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].pointer).toBe('/body/categoryId');
    // The old ticket keeps its category.
    expect((await customer.get(`/api/v1/tickets/${filed.json().id}`)).json().categoryId).toBe(hardware.id);
  });
});

describe('time entries', () => {
  it('the team logs time on a ticket; customers never see it', async () => {
    const ticket = (await customer.post('/api/v1/tickets', { subject: 'Slow PC', body: 'Very slow' })).json();
    const first = await agent.post(`/api/v1/tickets/${ticket.id}/time-entries`, {
      minutes: 25,
      note: 'Cleaned up',
    });
    expect(first.statusCode, first.body).toBe(201);
    await agent.post(`/api/v1/tickets/${ticket.id}/time-entries`, {
      minutes: 10,
      billable: false,
      workDate: '2026-11-30',
    });
    expect((await agent.post(`/api/v1/tickets/${ticket.id}/time-entries`, { minutes: 0 })).statusCode).toBe(
      400,
    );

    const listed = (await agent.get(`/api/v1/tickets/${ticket.id}/time-entries`)).json();
    expect(listed).toMatchObject({ totalMinutes: 35, billableMinutes: 25 });
    expect(listed.items.map((e: { workDate: string }) => e.workDate)[0]).toBe('2026-11-30');
    expect((await customer.get(`/api/v1/tickets/${ticket.id}/time-entries`)).statusCode).toBe(403);
    expect(
      (await customer.post(`/api/v1/tickets/${ticket.id}/time-entries`, { minutes: 5 })).statusCode,
    ).toBe(403);

    // Only whoever logged an entry removes it.
    const other = await signInAs(t.app, (await createUser(t, ['agent'])).email);
    expect((await other.delete(`/api/v1/time-entries/${first.json().id}`)).statusCode).toBe(404);
    expect((await agent.delete(`/api/v1/time-entries/${first.json().id}`)).statusCode).toBe(204);
    expect((await agent.get(`/api/v1/tickets/${ticket.id}/time-entries`)).json().totalMinutes).toBe(10);
    const events = (await agent.get(`/api/v1/tickets/${ticket.id}/events`)).json().items;
    expect(events.filter((e: { kind: string }) => e.kind === 'time_logged')).toHaveLength(2);
  });
});
