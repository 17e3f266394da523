import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDate } from '../../src/modules/audit/wall-clock.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { SessionClient } from '../support/session-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
});
afterAll(() => t.close());

describe('audit log viewer and export', () => {
  it('filters, pages by keyset without gaps or repeats, and exports CSV and JSON (logging the export)', async () => {
    const admin = await createUser(t, ['admin']);
    const client = await signInAs(t.app, admin.email);
    const target = await createUser(t, ['customer']);
    // Failed sign-ins against one account: an attacker's trail, with a formula-looking user agent.
    // Five: more would be throttled (and logged as such) rather than checked.
    for (let i = 0; i < 5; i++) {
      const visitor = await new SessionClient(t.app).start();
      await visitor.request(
        'POST',
        '/api/v1/auth/login',
        { email: target.email, password: `wrong-${i}-password` },
        {
          'user-agent': '=HYPERLINK("http://evil.example")',
        },
      );
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await client.get(
        `/api/v1/admin/audit?action=auth.login_failed&targetId=${target.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.statusCode).toBe(200);
      const body = page.json() as {
        items: { id: string; outcome: string; actorType: string }[];
        nextCursor: string | null;
      };
      for (const item of body.items)
        expect(item).toMatchObject({ outcome: 'failure', actorType: 'anonymous' });
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort((a, b) => Number(b) - Number(a))).toEqual(seen);

    const prefix = (
      await client.get(`/api/v1/admin/audit?action=auth.*&targetId=${target.id}&outcome=failure`)
    ).json();
    expect(prefix.items).toHaveLength(5);
    expect((await client.get('/api/v1/admin/audit?outcome=maybe')).statusCode).toBe(400);
    expect((await client.get('/api/v1/admin/audit?from=yesterday')).statusCode).toBe(400);

    const csv = await client.get(
      `/api/v1/admin/audit/export?format=csv&targetId=${target.id}&action=auth.login_failed`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,occurredAt,actorType,actorId,action,targetType,targetId,outcome,ip,userAgent,requestId,details',
    );
    expect(lines).toHaveLength(6);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);

    const json = await client.get(`/api/v1/admin/audit/export?format=json&targetId=${target.id}`);
    const entries = json.json() as { action: string }[];
    expect(entries.filter((e) => e.action === 'auth.login_failed')).toHaveLength(5);

    const exports = (await client.get(`/api/v1/admin/audit?action=audit.export&actor=${admin.id}`)).json();
    expect(exports.items).toHaveLength(2);
    expect(exports.items[0].details).toMatchObject({ format: 'json', filters: { targetId: target.id } });
  });

  it('is closed to customers and to anonymous visitors; the page renders for an auditor', async () => {
    const customer = await signInAs(t.app, (await createUser(t, ['customer'])).email);
    expect((await customer.get('/api/v1/admin/audit')).statusCode).toBe(403);
    expect((await customer.get('/api/v1/admin/audit/export')).statusCode).toBe(403);
    const anonymous = await new SessionClient(t.app).start();
    expect((await anonymous.get('/api/v1/admin/audit')).statusCode).toBe(401);
    const admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
    const page = await admin.request('GET', '/admin/audit?action=auth.*&outcome=failure', undefined, {
      accept: 'text/html',
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Audit log');
    expect(page.body).toContain('auth.login_failed');
    const bad = await admin.request('GET', '/admin/audit?from=not-a-date', undefined, {
      accept: 'text/html',
    });
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('Enter dates as shown by the date picker.');
  });

  it('speaks Dutch to an administrator whose profile says so, with times and filters in their zone', async () => {
    const admin = await createUser(t, ['admin']);
    await t.platform.database.db
      .updateTable('users')
      .set({ locale: 'nl', time_zone: 'Europe/Amsterdam' })
      .where('id', '=', admin.id)
      .execute();
    const client = await signInAs(t.app, admin.email);
    // The browser asks for English; the profile wins.
    const html = { accept: 'text/html', 'accept-language': 'en-GB,en;q=0.9' };

    const roles = await client.request('GET', '/admin/roles', undefined, html);
    expect(roles.body).toContain('<html lang="nl"');
    expect(roles.body).toContain('Rollen en rechten</h1>');
    expect(roles.body).toContain('Het auditlog lezen en exporteren');

    const audit = await client.request('GET', '/admin/audit', undefined, html);
    expect(audit.body).toContain('<html lang="nl"');
    expect(audit.body).toContain('Auditlog</h1>');
    expect(audit.body).toContain('Gelukt');
    expect(audit.body).toContain('Europe/Amsterdam');

    // A date picker's wall-clock time is read in the viewer's zone, summer time included.
    expect(asDate('2026-01-15T12:00', 'Europe/Amsterdam')).toBe('2026-01-15T11:00:00.000Z');
    expect(asDate('2026-07-15T12:00', 'Europe/Amsterdam')).toBe('2026-07-15T10:00:00.000Z');
    expect(asDate('2026-07-15T12:00', 'UTC')).toBe('2026-07-15T12:00:00.000Z');
    expect(asDate('yesterday', 'UTC')).toBeUndefined();
    const filtered = await client.request('GET', '/admin/audit?from=2026-01-15T12:00', undefined, html);
    expect(filtered.body).toContain('format=csv&amp;from=2026-01-15T11%3A00%3A00.000Z');
  });
});
