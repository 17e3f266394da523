import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptMail } from '../../src/modules/email/index.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19: the quarantine on /admin/mail and its API. Only mail administrators see it; release and
 * discard each work once, with CSRF, and are audited; the original message is downloadable.
 */
let t: TestApp;
let admin: SessionClient;
let customer: SessionClient;
const html = { accept: 'text/html' };

beforeAll(async () => {
  t = await buildTestApp({
    runsJobs: true,
    env: { MFA_REQUIRED_ROLES: 'none', SUPPORT_ADDRESSES: 'help@q.example' },
  });
  ({ client: admin } = await createSignedIn(t, ['admin']));
  ({ client: customer } = await createSignedIn(t, ['customer']));
});
afterAll(() => t?.close());

let n = 0;
/** A mail whose sender's domain disowns it (DMARC failed): it waits in quarantine. */
async function quarantined(subject: string) {
  const messageId = `<q-${Date.now()}-${++n}@spoof.example>`;
  const raw = Buffer.from(
    `From: boss@spoof.example\r\nTo: help@q.example\r\nSubject: ${subject}\r\nMessage-ID: ${messageId}\r\n\r\nPay this invoice.\r\n`,
  );
  const stored = await acceptMail(t.platform, {
    raw,
    source: 'test',
    authentication: { dmarc: { status: { result: 'fail' } } },
  });
  const row = () =>
    t.platform.database.system
      .selectFrom('mail_inbound')
      .selectAll()
      .where('id', '=', stored.id!)
      .executeTakeFirstOrThrow();
  await waitFor(async () => (await row()).state === 'quarantined', 15_000, 'quarantine');
  return { id: stored.id!, row };
}

describe('the quarantine', () => {
  it('is listed for mail administrators with why, and the original opens', async () => {
    const { id } = await quarantined('Invoice 4471');
    const list = await admin.request('GET', '/admin/mail', undefined, html);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Invoice 4471');
    expect(list.body).toContain('DMARC failed');
    const detail = await admin.request('GET', `/admin/mail/${id}`, undefined, html);
    expect(detail.body).toContain('Pay this invoice.');
    expect(detail.body).toContain(`/admin/mail/${id}/release`);
    const raw = await admin.get(`/api/v1/mail/messages/${id}/raw`);
    expect(raw.headers['content-type']).toContain('message/rfc822');
    expect(raw.headers['content-disposition']).toContain('attachment');
    expect(raw.body).toContain('Message-ID: <q-');
  });

  it('is closed to customers (403) and in the admin navigation only for those who may', async () => {
    await quarantined('Hidden');
    expect((await customer.request('GET', '/admin/mail', undefined, html)).statusCode).toBe(403);
    expect((await customer.get('/api/v1/mail/messages?state=quarantined')).statusCode).toBe(403);
    const overview = await admin.request('GET', '/admin', undefined, html);
    expect(overview.body).toContain('href="/admin/mail"');
  });

  it('releases once from the page (a ticket is opened, the release audited); a second release is refused', async () => {
    const { id, row } = await quarantined('Release me');
    const released = await admin.post(`/admin/mail/${id}/release`, {}, html);
    expect(released.statusCode).toBe(303);
    expect(released.headers.location).toBe('/admin/mail?done=released');
    await waitFor(async () => (await row()).state === 'done', 15_000, 'release');
    expect((await row()).outcome).toBe('new-ticket');
    const again = await admin.post(`/api/v1/mail/messages/${id}/release`);
    expect(again.statusCode).toBe(409);
    const audited = await t.platform.database.system
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', id)
      .execute();
    expect(audited.map((a) => a.action)).toEqual(['mail.released']);
  });

  it('discards through the API; then neither release nor discard does anything', async () => {
    const { id, row } = await quarantined('Discard me');
    expect((await admin.post(`/api/v1/mail/messages/${id}/discard`)).statusCode).toBe(204);
    expect((await row()).state).toBe('discarded');
    expect((await admin.post(`/api/v1/mail/messages/${id}/release`)).statusCode).toBe(409);
    expect((await admin.post(`/api/v1/mail/messages/${id}/discard`)).statusCode).toBe(409);
    const listed = (await admin.get('/api/v1/mail/messages?state=discarded')).json();
    expect(listed.items.map((m: { id: string }) => m.id)).toContain(id);
  });

  it('refuses a release posted without the form token', async () => {
    const { id, row } = await quarantined('Forged click');
    const res = await t.app.inject({
      method: 'POST',
      url: `/admin/mail/${id}/release`,
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'sec-fetch-site': 'cross-site',
      },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect((await row()).state).toBe('quarantined');
  });
});
