import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedIn, createUser } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { registerTestClient, tokenRequest } from '../support/oauth.js';
import type { SessionClient } from '../support/session-client.js';

/**
 * Issue 21, item 4, the team's side: the pipeline (stage, owner, notes), the list's filters and
 * pages, CSV export safe from formula injection, conversion into a customer with a first ticket
 * (one transaction, once), deletion, every change audited; other roles refused (403); what a
 * visitor wrote shown escaped; bad input answered as problem+json.
 */
let t: TestApp;
let admin: SessionClient;
let adminId: string;
let agent: SessionClient;
let customer: SessionClient;
const html = { accept: 'text/html' };

beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  ({ client: admin, id: adminId } = await createSignedIn(t, ['admin']));
  ({ client: agent } = await createSignedIn(t, ['agent']));
  ({ client: customer } = await createSignedIn(t, ['customer']));
});
afterAll(() => t?.close());

let n = 0;
/** A lead as the contact form stores it. */
async function lead(fields: Record<string, string | null> = {}) {
  n++;
  return t.platform.database.db
    .insertInto('leads')
    .values({
      name: `Lead ${n}`,
      email: `lead${n}-${Date.now()}@example.com`,
      phone: null,
      company: 'Acme',
      service: 'Repair',
      message: 'Please call me about a support contract.',
      locale: 'en',
      consent_at: new Date(),
      ...fields,
    })
    .returning(['id', 'email'])
    .executeTakeFirstOrThrow();
}

const audited = (action: string, id: string) =>
  t.platform.database.db
    .selectFrom('audit_log')
    .select(['actor_id', 'details'])
    .where('action', '=', action)
    .where('target_id', '=', id)
    .execute();

describe('who may see leads', () => {
  it('refuses customers and agents (403) on the API, the export and the pages; admins read them', async () => {
    const { id } = await lead();
    for (const client of [agent, customer]) {
      expect((await client.get('/api/v1/leads')).statusCode).toBe(403);
      expect((await client.get(`/api/v1/leads/${id}`)).statusCode).toBe(403);
      expect((await client.get('/api/v1/leads/export')).statusCode).toBe(403);
      expect((await client.patch(`/api/v1/leads/${id}`, { stage: 'won' })).statusCode).toBe(403);
      expect((await client.request('GET', '/admin/leads', undefined, html)).statusCode).toBe(403);
      expect((await client.request('GET', `/admin/leads/${id}`, undefined, html)).statusCode).toBe(403);
    }
    expect((await admin.get(`/api/v1/leads/${id}`)).json()).toMatchObject({ id, stage: 'new', notes: [] });
  });
});

describe('an integration with an API token', () => {
  it('reads and exports with leads:read, and changes a lead only with leads:manage (audited as the app)', async () => {
    const { id } = await lead();
    const token = async (scope: string) => {
      const { clientId, secret } = await registerTestClient(t, {
        type: 'confidential',
        grantTypes: ['client_credentials'],
        redirectUris: [],
        scopes: [scope],
      });
      const issued = await tokenRequest(
        t.app,
        { grant_type: 'client_credentials', scope },
        { id: clientId, secret: secret! },
      );
      expect(issued.statusCode, issued.body).toBe(200);
      return { clientId, authorization: `Bearer ${issued.json().access_token}` };
    };
    const reader = await token('leads:read');
    const call = (method: 'GET' | 'PATCH', url: string, authorization: string, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization }, ...(payload ? { payload } : {}) });
    expect((await call('GET', '/api/v1/leads', reader.authorization)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/leads/export', reader.authorization)).statusCode).toBe(200);
    const refused = await call('PATCH', `/api/v1/leads/${id}`, reader.authorization, { stage: 'won' });
    expect(refused.statusCode).toBe(403);
    const manager = await token('leads:manage');
    const moved = await call('PATCH', `/api/v1/leads/${id}`, manager.authorization, { stage: 'qualified' });
    expect(moved.statusCode, moved.body).toBe(200);
    const [entry] = await t.platform.database.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id'])
      .where('action', '=', 'lead.stage_changed')
      .where('target_id', '=', id)
      .execute();
    expect(entry).toEqual({ actor_type: 'api_client', actor_id: manager.clientId });
  });
});

describe('the pipeline', () => {
  it('moves a lead through the stages, gives it an owner and a note, each audited', async () => {
    const { id } = await lead();
    const moved = await admin.patch(`/api/v1/leads/${id}`, { stage: 'contacted', ownerId: adminId });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ stage: 'contacted', ownerId: adminId });
    expect(await audited('lead.stage_changed', id)).toEqual([
      { actor_id: adminId, details: { from: 'new', to: 'contacted' } },
    ]);
    expect(await audited('lead.owner_changed', id)).toEqual([
      { actor_id: adminId, details: { from: null, to: adminId } },
    ]);
    const note = await admin.post(`/api/v1/leads/${id}/notes`, { body: 'Called, wants a quote.' });
    expect(note.statusCode).toBe(201);
    const read = (await admin.get(`/api/v1/leads/${id}`)).json();
    expect(read.notes).toEqual([
      expect.objectContaining({ body: 'Called, wants a quote.', authorId: adminId }),
    ]);
    expect(await audited('lead.note_added', id)).toHaveLength(1);
  });

  it('answers bad input with problem+json and changes nothing', async () => {
    const { id } = await lead();
    const stage = await admin.patch(`/api/v1/leads/${id}`, { stage: 'sold' });
    expect(stage.statusCode).toBe(400);
    expect(stage.headers['content-type']).toContain('application/problem+json');
    const customerOwner = await admin.patch(`/api/v1/leads/${id}`, {
      ownerId: (await createUser(t, ['customer'])).id,
    });
    expect(customerOwner.statusCode).toBe(400);
    expect(customerOwner.json().errors[0].pointer).toBe('/body/ownerId');
    expect((await admin.post(`/api/v1/leads/${id}/notes`, { body: '' })).statusCode).toBe(400);
    expect((await admin.get('/api/v1/leads/not-a-uuid')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/leads?stage=sold')).statusCode).toBe(400);
    const missing = await admin.patch('/api/v1/leads/00000000-0000-4000-8000-000000000000', { stage: 'won' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect((await admin.get(`/api/v1/leads/${id}`)).json()).toMatchObject({ stage: 'new', ownerId: null });
    expect(await audited('lead.stage_changed', id)).toEqual([]);
  });

  it('lists leads by stage, owner and text, 25 a page', async () => {
    const tag = `Filterco${Date.now()}`;
    for (let i = 0; i < 27; i++) await lead({ company: tag });
    const { id: won } = await lead({ company: tag, name: 'Winning Lead' });
    await admin.patch(`/api/v1/leads/${won}`, { stage: 'won', ownerId: adminId });
    const first = (await admin.get(`/api/v1/leads?q=${tag}`)).json();
    expect(first).toMatchObject({ total: 28, page: 1, pageSize: 25 });
    expect(first.items).toHaveLength(25);
    expect((await admin.get(`/api/v1/leads?q=${tag}&page=2`)).json().items).toHaveLength(3);
    const byStage = (await admin.get(`/api/v1/leads?q=${tag}&stage=won`)).json();
    expect(byStage.items.map((l: { id: string }) => l.id)).toEqual([won]);
    expect((await admin.get(`/api/v1/leads?q=${tag}&owner=${adminId}`)).json().total).toBe(1);
    expect((await admin.get(`/api/v1/leads?q=${tag}&owner=none`)).json().total).toBe(27);
    const page = await admin.request('GET', `/admin/leads?q=${tag}&page=2`, undefined, html);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('28 leads · page 2 of 2');
  });

  it('deletes a lead and its notes, audited without what it said', async () => {
    const { id } = await lead();
    await admin.post(`/api/v1/leads/${id}/notes`, { body: 'To be deleted.' });
    expect((await admin.delete(`/api/v1/leads/${id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/v1/leads/${id}`)).statusCode).toBe(404);
    const notes = await t.platform.database.db
      .selectFrom('lead_notes')
      .select('id')
      .where('lead_id', '=', id)
      .execute();
    expect(notes).toEqual([]);
    expect(await audited('lead.deleted', id)).toEqual([
      { actor_id: adminId, details: { stage: 'new', converted: false } },
    ]);
  });
});

describe('converting a lead', () => {
  it('makes a pending customer and a first ticket from the message, once, and links the lead to them', async () => {
    const { id, email } = await lead({ name: 'Cora Convert', phone: '+31 6 1234 5678' });
    const res = await admin.post(`/api/v1/leads/${id}/convert`);
    expect(res.statusCode).toBe(201);
    const converted = res.json();
    expect(converted).toMatchObject({ newAccount: true, ticketKey: expect.stringMatching(/^SB-\d+$/) });
    const db = t.platform.database.db;
    const user = await db
      .selectFrom('users')
      .select(['id', 'status', 'roles', 'display_name', 'password_hash'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      id: converted.customerId,
      status: 'pending_verification',
      roles: ['customer'],
      display_name: 'Cora Convert',
      password_hash: null,
    });
    const ticket = await db
      .selectFrom('tickets')
      .select(['requester_id', 'subject', 'channel'])
      .where('id', '=', converted.ticketId)
      .executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({
      requester_id: user.id,
      subject: 'Repair: Cora Convert (Acme)',
      channel: 'web',
    });
    const [message] = await db
      .selectFrom('ticket_messages')
      .select('body')
      .where('ticket_id', '=', converted.ticketId)
      .execute();
    expect(message!.body).toContain('Please call me about a support contract.');
    expect(message!.body).toContain('Phone: +31 6 1234 5678');
    expect((await admin.get(`/api/v1/leads/${id}`)).json()).toMatchObject({
      customerId: user.id,
      ticketId: converted.ticketId,
      convertedAt: expect.any(String),
    });
    expect(await audited('lead.converted', id)).toEqual([
      { actor_id: adminId, details: { customerId: user.id, ticketId: converted.ticketId, newAccount: true } },
    ]);

    const again = await admin.post(`/api/v1/leads/${id}/convert`);
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
  });

  it('uses the existing account for the address', async () => {
    const existing = await createUser(t, ['customer']);
    const { id } = await lead({ email: existing.email });
    const res = await admin.post(`/api/v1/leads/${id}/convert`);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ customerId: existing.id, newAccount: false });
  });

  it('writes nothing when a step fails: a disabled account leaves no ticket and the lead unconverted', async () => {
    const disabled = await createUser(t, ['customer']);
    await t.platform.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', disabled.id)
      .execute();
    const { id } = await lead({ email: disabled.email });
    const res = await admin.post(`/api/v1/leads/${id}/convert`);
    expect(res.statusCode).toBe(409);
    const tickets = await t.platform.database.db
      .selectFrom('tickets')
      .select('id')
      .where('requester_id', '=', disabled.id)
      .execute();
    expect(tickets).toEqual([]);
    expect((await admin.get(`/api/v1/leads/${id}`)).json()).toMatchObject({
      convertedAt: null,
      ticketId: null,
    });
  });
});

describe('what a visitor wrote, in the team’s hands', () => {
  const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

  it('is shown escaped on the list and the lead page', async () => {
    const { id } = await lead({ name: XSS, company: `"><svg onload=alert(3)>`, message: XSS });
    const list = await admin.request('GET', '/admin/leads', undefined, html);
    const page = await admin.request('GET', `/admin/leads/${id}`, undefined, html);
    for (const body of [list.body, page.body]) {
      expect(body).not.toContain('<script>alert(1)');
      expect(body).not.toContain('<img src=x');
      expect(body).not.toContain('<svg onload');
      expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('is exported as CSV that no spreadsheet runs as a formula', async () => {
    const tag = `Csvco${Date.now()}`;
    await lead({ name: '=HYPERLINK("http://evil.example","click")', company: tag, phone: '+31 20 555 0000' });
    await lead({ name: '@SUM(1+1)', company: tag, message: '-2+3', service: '+cmd' });
    const res = await admin.get(`/api/v1/leads/export?q=${tag}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="leads-/);
    const rows = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(rows[1]).toContain(`"'+31 20 555 0000"`);
    expect(rows[2]).toContain(`"'@SUM(1+1)"`);
    expect(rows[2]).toContain(`"'-2+3"`);
    expect(rows[2]).toContain(`"'+cmd"`);
    for (const row of rows) expect(row).not.toMatch(/(^|,)"[=+\-@]/);
    const page = await admin.request('GET', `/admin/leads/export.csv?q=${tag}`, undefined, html);
    expect(page.body).toBe(res.body);
    const exports = await t.platform.database.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'lead.exported')
      .execute();
    expect(exports.length).toBeGreaterThanOrEqual(2);
  });
});
