import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';

let t: TestApp;
let admin: SessionClient;
let agent: SessionClient;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
  agent = await signInAs(t.app, (await createUser(t, ['agent'])).email);
});
afterAll(() => t?.close());

const html = { accept: 'text/html' };
const categories = () =>
  t.platform.database.db.selectFrom('ticket_categories').select(['id', 'name', 'archived_at']).execute();
const named = async (name: string) => (await categories()).find((c) => c.name === name)!;

describe('the categories admin page', () => {
  it('adds, renames, archives and restores, each answered by a redirect with a message', async () => {
    const empty = await admin.request('GET', '/admin/categories', undefined, html);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('<h1 class="text-2xl font-bold tracking-tight text-ink">Categories</h1>');
    expect(empty.body).toContain('aria-current="page">Categories</a>');

    const created = await admin.request(
      'POST',
      '/admin/categories',
      { name: 'Hardware', description: 'Laptops' },
      html,
    );
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/admin/categories?done=created&name=Hardware');
    const shown = await admin.request('GET', created.headers.location as string, undefined, html);
    expect(shown.body).toContain('Category Hardware added.');
    expect(shown.body).toContain('data-testid="category-Hardware"');
    const hardware = await named('Hardware');

    const renamed = await admin.request(
      'POST',
      `/admin/categories/${hardware.id}`,
      { name: 'Devices', description: '' },
      html,
    );
    expect(renamed.statusCode).toBe(303);
    expect(renamed.headers.location).toBe('/admin/categories?done=saved&name=Devices');

    const before = await admin.request('GET', '/admin/categories', undefined, html);
    expect(before.body).toContain('data-confirm="Archive Devices? It stays on existing tickets');
    const archived = await admin.request('POST', `/admin/categories/${hardware.id}/archive`, {}, html);
    expect(archived.statusCode).toBe(303);
    expect((await named('Devices')).archived_at).not.toBeNull();
    const list = await admin.request('GET', '/admin/categories', undefined, html);
    expect(list.body).toMatch(/Devices <span class="badge">archived<\/span>/);

    const restored = await admin.request('POST', `/admin/categories/${hardware.id}/restore`, {}, html);
    expect(restored.headers.location).toBe('/admin/categories?done=restored&name=Devices');
    expect((await named('Devices')).archived_at).toBeNull();
  });

  it('shows refusals next to the name field, in the viewer’s language', async () => {
    const blank = await admin.request('POST', '/admin/categories', { name: '  ' }, html);
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('id="new-category-name-error"');
    expect(blank.body).toContain('Give the category a name of 1–80 characters.');

    await admin.request('POST', '/admin/categories', { name: 'Billing' }, html);
    const twice = await admin.request(
      'POST',
      '/admin/categories',
      { name: 'Billing' },
      { ...html, 'accept-language': 'nl' },
    );
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('Er is al een categorie met de naam Billing.');
    expect(twice.body).toContain('<html lang="nl"');

    const billing = await named('Billing');
    await admin.request('POST', '/admin/categories', { name: 'Access' }, html);
    const clash = await admin.request('POST', `/admin/categories/${billing.id}`, { name: 'Access' }, html);
    expect(clash.statusCode).toBe(409);
    expect(clash.body).toContain(`id="name-${billing.id}-error"`);
    expect(clash.body).toMatch(/<details open>/);
  });

  it('pages a long list', async () => {
    for (let i = 0; i < 26; i++)
      await admin.request('POST', '/admin/categories', { name: `Topic ${String(i).padStart(2, '0')}` }, html);
    const first = await admin.request('GET', '/admin/categories', undefined, html);
    expect(first.body).toContain('href="/admin/categories?page=2"');
    const second = await admin.request('GET', '/admin/categories?page=2', undefined, html);
    expect(second.body).toContain('rel="prev"');
  });

  it('is for those who manage categories only', async () => {
    const refused = await agent.request('GET', '/admin/categories', undefined, html);
    expect(refused.statusCode).toBe(403);
    const post = await agent.request('POST', '/admin/categories', { name: 'Sneaky' }, html);
    expect(post.statusCode).toBe(403);
    expect((await categories()).some((c) => c.name === 'Sneaky')).toBe(false);
  });
});
