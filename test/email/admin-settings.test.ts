import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardSignature } from '../../src/modules/email/forward/signature.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';

/**
 * Issue 19, admin and ops: the support addresses (configured ones read-only, added ones with a
 * default category) on /admin/mail/addresses and /api/v1/mail/addresses, and the forwarding
 * secret generated on /admin/mail/forwarding: sealed, shown once, the old one kept for a grace
 * period after a rotation, the endpoint refused (401) while there is none. Every change audited.
 */
let t: TestApp;
let admin: SessionClient;
let customer: SessionClient;
let categoryId: string;
const html = { accept: 'text/html' };
const CONFIGURED = 'help@settings.example';

beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none', SUPPORT_ADDRESSES: CONFIGURED } });
  ({ client: admin } = await createSignedIn(t, ['admin']));
  ({ client: customer } = await createSignedIn(t, ['customer']));
  const category = await t.platform.database.db
    .insertInto('ticket_categories')
    .values({ name: 'Billing', description: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  categoryId = category.id;
});
afterAll(() => t?.close());

const audited = async (action: string, targetId: string) =>
  t.platform.database.db
    .selectFrom('audit_log')
    .select(['actor_type', 'details'])
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .execute();

describe('support addresses through the API', () => {
  it('lists the configured address read-only, adds, changes and removes one, each audited', async () => {
    const listed = await admin.get('/api/v1/mail/addresses');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toContainEqual(
      expect.objectContaining({ address: CONFIGURED, configured: true, createdAt: null }),
    );

    const added = await admin.post('/api/v1/mail/addresses', { address: ' Billing@Settings.Example ' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      address: 'billing@settings.example',
      configured: false,
      categoryId: null,
    });
    expect(await audited('mail.address_added', 'billing@settings.example')).toHaveLength(1);

    const changed = await admin.patch('/api/v1/mail/addresses/billing@settings.example', { categoryId });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ categoryId, categoryName: 'Billing' });
    expect(await audited('mail.address_changed', 'billing@settings.example')).toHaveLength(1);

    const removed = await admin.delete('/api/v1/mail/addresses/billing@settings.example');
    expect(removed.statusCode).toBe(204);
    const after = (await admin.get('/api/v1/mail/addresses')).json().items as { address: string }[];
    expect(after.map((a) => a.address)).not.toContain('billing@settings.example');
    expect(await audited('mail.address_removed', 'billing@settings.example')).toHaveLength(1);
    expect((await admin.delete('/api/v1/mail/addresses/billing@settings.example')).statusCode).toBe(404);
  });

  it('refuses bad input with problem+json: not an address, a duplicate, a configured one, an unknown category', async () => {
    const bad = await admin.post('/api/v1/mail/addresses', { address: 'not an address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json()).toMatchObject({ code: 'validation_failed' });
    expect(bad.json().errors[0].pointer).toBe('/body/address');
    for (const address of ['a@b', '@x.example', 'x@-bad.example', `${'l'.repeat(65)}@x.example`])
      expect((await admin.post('/api/v1/mail/addresses', { address })).statusCode, address).toBe(400);

    expect(
      (await admin.post('/api/v1/mail/addresses', { address: 'twice@settings.example' })).statusCode,
    ).toBe(201);
    const twice = await admin.post('/api/v1/mail/addresses', { address: 'TWICE@settings.example' });
    expect(twice.statusCode).toBe(409);
    expect(twice.headers['content-type']).toContain('application/problem+json');
    expect(twice.json().detail).toContain('already a support address');

    const configured = await admin.post('/api/v1/mail/addresses', { address: CONFIGURED });
    expect(configured.statusCode).toBe(409);
    expect(configured.json().detail).toContain('set in configuration');

    const unknown = await admin.post('/api/v1/mail/addresses', {
      address: 'cat@settings.example',
      categoryId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].pointer).toBe('/body/categoryId');
    expect((await admin.patch(`/api/v1/mail/addresses/${CONFIGURED}`, { categoryId })).statusCode).toBe(404);
  });

  it('is for mail administrators only', async () => {
    expect((await customer.get('/api/v1/mail/addresses')).statusCode).toBe(403);
    expect(
      (await customer.post('/api/v1/mail/addresses', { address: 'x@settings.example' })).statusCode,
    ).toBe(403);
    expect((await customer.request('GET', '/admin/mail/addresses', undefined, html)).statusCode).toBe(403);
    expect((await customer.request('GET', '/admin/mail/forwarding', undefined, html)).statusCode).toBe(403);
  });
});

describe('the addresses page', () => {
  it('shows configured and added addresses, adds with a category and removes with a confirmation', async () => {
    const added = await admin.post(
      '/admin/mail/addresses',
      { address: 'sales@settings.example', categoryId },
      html,
    );
    expect(added.statusCode).toBe(303);
    const page = await admin.request('GET', added.headers.location as string, undefined, html);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('sales@settings.example added.');
    expect(page.body).toContain('aria-current="page">Addresses</a>');
    expect(page.body).toContain(CONFIGURED);
    expect(page.body).toContain('Set in configuration');
    expect(page.body).toMatch(/Default category: Billing/);
    expect(page.body).toContain('data-confirm="Remove sales@settings.example?');

    const removed = await admin.post(
      '/admin/mail/addresses/remove',
      { address: 'sales@settings.example' },
      html,
    );
    expect(removed.statusCode).toBe(303);
    const row = await t.platform.database.db
      .selectFrom('mail_addresses')
      .select('address')
      .where('address', '=', 'sales@settings.example')
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('answers a bad or duplicate address with the form and its message, in the reader’s language', async () => {
    const bad = await admin.post('/admin/mail/addresses', { address: 'nope' }, html);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="new-address-address-error"');
    expect(bad.body).toContain('“nope” is not a mail address.');
    const duplicate = await admin.post('/admin/mail/addresses', { address: CONFIGURED }, html);
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body).toContain(`${CONFIGURED} is already a support address (set in configuration).`);

    const dutch = await admin.post(
      '/admin/mail/addresses',
      { address: 'nope' },
      { ...html, 'accept-language': 'nl' },
    );
    expect(dutch.body).toContain('is geen e-mailadres');
  });
});

describe('the forwarding secret', () => {
  const raw = (n: string) =>
    Buffer.from(
      `From: someone@sender.example\r\nTo: ${CONFIGURED}\r\nSubject: Fwd ${n}\r\nMessage-ID: <fwd-${n}-${Date.now()}@sender.example>\r\n\r\nHello.\r\n`,
    );
  const forward = (secret: string, body: Buffer) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/mail/inbound',
      headers: {
        'content-type': 'message/rfc822',
        'x-switchboard-timestamp': timestamp,
        'x-switchboard-signature': forwardSignature(secret, timestamp, body),
      },
      payload: body,
    });
  };
  const secretOn = (body: string) => /data-testid="forward-secret">([^<]+)</.exec(body)?.[1];

  it('refuses every forwarded mail (401 problem+json) while no secret exists', async () => {
    const page = await admin.request('GET', '/admin/mail/forwarding', undefined, html);
    expect(page.body).toContain('No secret: the forwarding endpoint refuses all mail.');
    expect(page.body).toContain('/api/v1/mail/inbound');
    expect(page.body).toContain('docs/email-worker.js');
    const refused = await forward('anything-at-all', raw('none'));
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });

  it('is generated on the page, shown once, sealed at rest, rotated with a grace period and removed', async () => {
    const generated = await admin.post('/admin/mail/forwarding', {}, html);
    expect(generated.statusCode).toBe(200);
    expect(generated.headers['cache-control']).toContain('no-store');
    const first = secretOn(generated.body)!;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const shownAgain = await admin.request('GET', '/admin/mail/forwarding', undefined, html);
    expect(shownAgain.body).not.toContain(first);
    expect(shownAgain.body).toContain('A secret generated here on');
    const stored = await t.platform.database.db
      .selectFrom('mail_settings')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(stored.sealed).not.toContain(first);
    expect((await forward(first, raw('first'))).statusCode).toBe(202);
    expect((await forward('a-guess-that-is-not-the-secret', raw('guess'))).statusCode).toBe(401);

    const rotated = await admin.post('/admin/mail/forwarding', {}, html);
    const second = secretOn(rotated.body)!;
    expect(second).not.toBe(first);
    expect(rotated.body).toContain('The secret it replaced is still accepted until');
    expect((await forward(second, raw('second'))).statusCode).toBe(202);
    expect((await forward(first, raw('grace'))).statusCode).toBe(202);
    // The grace period ends: the replaced secret is refused from then on.
    await t.platform.database.db
      .updateTable('mail_settings')
      .set({ previous_until: new Date(Date.now() - 1000) })
      .execute();
    expect((await forward(first, raw('late'))).statusCode).toBe(401);
    expect((await forward(second, raw('still'))).statusCode).toBe(202);

    const removed = await admin.post('/admin/mail/forwarding/remove', {}, html);
    expect(removed.statusCode).toBe(303);
    expect((await forward(second, raw('removed'))).statusCode).toBe(401);

    const actions = await t.platform.database.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', 'like', 'mail.forward_secret_%')
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'mail.forward_secret_generated',
      'mail.forward_secret_rotated',
      'mail.forward_secret_removed',
    ]);
    expect(JSON.stringify(actions)).not.toContain(first);
    expect(JSON.stringify(actions)).not.toContain(second);
  });

  it('is generated, rotated and removed through the API, the secret answered once', async () => {
    expect((await customer.get('/api/v1/mail/forwarding')).statusCode).toBe(403);
    expect((await customer.post('/api/v1/mail/forwarding/secret', {})).statusCode).toBe(403);
    const before = await admin.get('/api/v1/mail/forwarding');
    expect(before.json()).toMatchObject({ stored: false, configured: false, updatedAt: null });
    expect(before.json().endpoint).toMatch(/\/api\/v1\/mail\/inbound$/);
    const made = await admin.post('/api/v1/mail/forwarding/secret', {});
    expect(made.statusCode).toBe(201);
    expect(made.headers['cache-control']).toContain('no-store');
    const { secret } = made.json();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await forward(secret, raw('api'))).statusCode).toBe(202);
    const status = await admin.get('/api/v1/mail/forwarding');
    expect(status.json()).toMatchObject({ stored: true, previousValidUntil: null });
    expect(status.body).not.toContain(secret);
    const rotated = await admin.post('/api/v1/mail/forwarding/secret', {});
    expect(rotated.json().secret).not.toBe(secret);
    expect(Date.parse(rotated.json().previousValidUntil)).toBeGreaterThan(Date.now());
    expect((await forward(secret, raw('api-grace'))).statusCode).toBe(202);
    expect((await admin.delete('/api/v1/mail/forwarding/secret')).statusCode).toBe(204);
    const again = await admin.delete('/api/v1/mail/forwarding/secret');
    expect(again.statusCode).toBe(404);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect((await forward(rotated.json().secret, raw('api-removed'))).statusCode).toBe(401);
  });

  it('lists MAIL_FORWARD_SECRET from the settings as set in configuration, and keeps taking it', async () => {
    const configured = await buildTestApp({
      database: t.database,
      env: { MFA_REQUIRED_ROLES: 'none', MAIL_FORWARD_SECRET: 'configured-secret-that-is-long-enough-1' },
    });
    try {
      const { client } = await createSignedIn(configured, ['admin']);
      const page = await client.request('GET', '/admin/mail/forwarding', undefined, html);
      expect(page.body).toContain('A secret is set in configuration (MAIL_FORWARD_SECRET).');
      expect(page.body).not.toContain('No secret');
      const body = raw('configured');
      const timestamp = String(Math.floor(Date.now() / 1000));
      const taken = await configured.app.inject({
        method: 'POST',
        url: '/api/v1/mail/inbound',
        headers: {
          'content-type': 'message/rfc822',
          'x-switchboard-timestamp': timestamp,
          'x-switchboard-signature': forwardSignature(
            'configured-secret-that-is-long-enough-1',
            timestamp,
            body,
          ),
        },
        payload: body,
      });
      expect(taken.statusCode).toBe(202);
    } finally {
      await configured.close();
    }
  });
});
