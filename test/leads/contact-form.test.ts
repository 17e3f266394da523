import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueFillToken } from '../../src/modules/leads/fill-token.js';
import { createUser } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';

/**
 * Issue 21, item 4: the public contact form makes a lead and mails the team once; the honeypot,
 * a form sent within two seconds, a forged or replayed fill-time token, the eleventh submission in
 * an hour from one IP or for one address, and bad fields store nothing. Rate limits in Redis.
 */
let t: TestApp;
let adminEmail: string;
const html = { accept: 'text/html' };

beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' }, redis: true, runsJobs: true });
  adminEmail = (await createUser(t, ['admin'])).email;
});
afterAll(() => t?.close());

/** A form handed out `ageMs` ago (the signed time a real page would carry). */
const token = (ageMs = 5_000) => issueFillToken(t.config.SECRET_KEY!, Date.now() - ageMs);

const visitor = (ip?: string) => new SessionClient(t.app, ip).start();

function submit(client: SessionClient, fields: Record<string, string> = {}) {
  return client.post(
    '/contact',
    {
      name: 'Vera Visitor',
      email: `vera-${Math.random().toString(36).slice(2)}@example.com`,
      phone: '+31 20 123 45 67',
      company: 'Visitor BV',
      service: 'Repair',
      message: 'Our office network drops every afternoon.',
      consent: 'yes',
      website: '',
      token: token(),
      ...fields,
    },
    html,
  );
}

const leadsFor = (email: string) =>
  t.platform.database.db.selectFrom('leads').selectAll().where('email', '=', email).execute();
const leadCount = async () =>
  Number(
    (
      await t.platform.database.db
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const teamMails = async () =>
  (
    await t.platform.database.db
      .selectFrom('outbox_messages' as never)
      .select(['subject' as never])
      .where('recipient' as never, '=', adminEmail as never)
      .execute()
  ).length;

describe('the contact form', () => {
  it('shows the fields, a signed fill-time token and the hidden honeypot, in English and Dutch', async () => {
    const client = await visitor();
    const page = await client.request('GET', '/contact', undefined, html);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    for (const name of [
      'name',
      'email',
      'phone',
      'company',
      'service',
      'message',
      'consent',
      'website',
      'token',
    ])
      expect(page.body).toContain(`name="${name}"`);
    expect(page.body).toMatch(/name="token" value="\d{13}\.[\w-]{22}\.[\w-]{43}"/);
    const dutch = await client.request('GET', '/contact', undefined, { ...html, 'accept-language': 'nl' });
    expect(dutch.body).toContain('Neem contact op');
    // The default services in the visitor's language; what is sent stays the one stored name.
    expect(dutch.body).toMatch(/<option value="Repair"[^>]*>\s*Reparatie\s*<\/option>/);
    expect(page.body).toMatch(/<option value="Repair"[^>]*>\s*Repair\s*<\/option>/);
    // Reachable from the home page's footer.
    expect((await client.request('GET', '/', undefined, html)).body).toContain('href="/contact"');
  });

  it('makes a lead of a valid submission and mails the team exactly once', async () => {
    const email = 'nina-lead@example.com';
    const res = await submit(await visitor(), { email, name: 'Nina Lead' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/contact/sent');
    const [lead, ...more] = await leadsFor(email);
    expect(more).toEqual([]);
    expect(lead).toMatchObject({
      name: 'Nina Lead',
      phone: '+31 20 123 45 67',
      company: 'Visitor BV',
      service: 'Repair',
      stage: 'new',
      locale: 'en',
    });
    expect(lead!.consent_at).toBeInstanceOf(Date);
    const [mail] = await mailTo(t, adminEmail);
    expect(mail!.subject).toBe('New lead: Nina Lead (Visitor BV)');
    expect(mail!.body_text).toContain('Our office network drops every afternoon.');
    expect(mail!.body_text).toContain(`/admin/leads/${lead!.id}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await teamMails()).toBe(1);
    const audit = await t.platform.database.db
      .selectFrom('audit_log')
      .select(['actor_type', 'details'])
      .where('action', '=', 'lead.received')
      .where('target_id', '=', lead!.id)
      .execute();
    // The log says a lead came, not what it said.
    expect(audit).toEqual([{ actor_type: 'anonymous', details: {} }]);
  });

  it('answers a filled honeypot as if accepted, and stores and mails nothing', async () => {
    const before = await leadCount();
    const res = await submit(await visitor(), { email: 'bot@example.com', website: 'http://spam.example' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/contact/sent');
    expect(await leadCount()).toBe(before);
  });

  it('refuses a form sent within two seconds, a forged time and a replayed token, storing nothing', async () => {
    const before = await leadCount();
    const fast = await submit(await visitor(), { token: token(500) });
    expect(fast.statusCode).toBe(400);
    expect(fast.body).toContain('could not be accepted just now');
    // A fresh token comes with the refused form, and the visitor's words stay in it.
    expect(fast.body).toContain('Our office network drops every afternoon.');

    // An older time written into a fresh token: the signature no longer fits.
    const [, nonce, signature] = token(500).split('.');
    const forged = await submit(await visitor(), { token: `${Date.now() - 60_000}.${nonce}.${signature}` });
    expect(forged.statusCode).toBe(400);
    const unsigned = await submit(await visitor(), { token: `${Date.now() - 60_000}.${nonce}` });
    expect(unsigned.statusCode).toBe(400);
    const otherKey = issueFillToken('another-secret-key-that-is-long-enough-0123', Date.now() - 60_000);
    expect((await submit(await visitor(), { token: otherKey })).statusCode).toBe(400);
    expect(await leadCount()).toBe(before);

    // The same form twice: the first is taken, the replay is not.
    const once = token();
    expect((await submit(await visitor(), { token: once })).statusCode).toBe(303);
    const replay = await submit(await visitor(), { token: once });
    expect(replay.statusCode).toBe(400);
    expect(await leadCount()).toBe(before + 1);
  });

  it('points at each wrong field, and stores nothing until consent is given', async () => {
    const before = await leadCount();
    const res = await submit(await visitor(), {
      name: '',
      email: 'not-an-address',
      phone: 'call me',
      service: 'Free money',
      message: ' ',
      consent: '',
    });
    expect(res.statusCode).toBe(400);
    for (const id of ['name', 'email', 'phone', 'service', 'message', 'consent'])
      expect(res.body).toContain(`id="field-${id}-error"`);
    expect(res.body).toContain('Please check the marked fields.');
    expect(await leadCount()).toBe(before);
  });

  it('stores nothing from the eleventh submission in an hour from one IP address', async () => {
    const ip = '203.0.113.11';
    const before = await leadCount();
    for (let i = 0; i < 10; i++) expect((await submit(await visitor(ip))).statusCode).toBe(303);
    const eleventh = await submit(await visitor(ip));
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.headers['retry-after']).toBeDefined();
    expect(eleventh.body).toContain('Too many messages have been sent from here.');
    expect(await leadCount()).toBe(before + 10);
  });

  it('stores nothing from the eleventh submission in an hour for one email address, whatever the IP', async () => {
    const email = 'persistent@example.com';
    for (let i = 0; i < 10; i++)
      expect((await submit(await visitor(`203.0.113.${120 + i}`), { email })).statusCode).toBe(303);
    const eleventh = await submit(await visitor('203.0.113.99'), { email: 'Persistent@Example.com' });
    expect(eleventh.statusCode).toBe(429);
    expect(await leadsFor(email)).toHaveLength(10);
  });
});
