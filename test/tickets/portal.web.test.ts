import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';

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

/** Asking for help without an account (/help): tickets/web/help. */
describe('asking for help without an account', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' }, runsJobs: true });
  });
  afterAll(() => h?.close());

  const visitor = (address?: string) => new SessionClient(h.app, address).start();
  const ask = (client: SessionClient, email: string, subject = 'Printer on fire') =>
    client.request('POST', '/help', { name: 'Ada Visitor', email, subject, body: 'It **smokes**.' }, html);
  const userBy = (email: string) =>
    h.platform.database.system
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
  const ticketsOf = (userId: string) =>
    h.platform.database.system
      .selectFrom('tickets')
      .select(['number', 'subject'])
      .where('requester_id', '=', userId)
      .execute();
  const confirmLink = (body: string) => {
    const match = /\/help\/confirm\?token=([A-Za-z0-9_-]+)&ticket=(SB-\d+)/.exec(body);
    if (!match) throw new Error(`no confirmation link in: ${body}`);
    return { token: match[1]!, ticket: match[2]! };
  };
  let n = 0;
  const address = () => `help${++n}-${Date.now()}@example.com`;

  it('opens a ticket on a pending account; the receipt’s link confirms, signs in this browser and opens it', async () => {
    const email = address();
    const browser = await visitor();
    const asked = await ask(browser, email);
    expect(asked.statusCode, asked.body).toBe(303);
    expect(asked.headers.location).toBe('/help/sent');
    const user = (await userBy(email))!;
    expect(user.status).toBe('pending_verification');
    expect(user.password_hash).toBeNull();
    expect(await ticketsOf(user.id)).toEqual([expect.objectContaining({ subject: 'Printer on fire' })]);

    const [receipt] = await mailTo(h, email);
    expect(receipt!.subject).toMatch(/^\[SB-\d+\] Request received: Printer on fire$/);
    expect(receipt!.body_text).toContain('It **smokes**.');
    const { token, ticket } = confirmLink(receipt!.body_text);
    const page = await browser.request(
      'GET',
      `/help/confirm?token=${token}&ticket=${ticket}`,
      undefined,
      html,
    );
    expect(page.statusCode).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toContain('no-store');
    // Opening the page uses nothing up (mail scanners follow links): the button does.
    expect((await userBy(email))!.status).toBe('pending_verification');
    const confirmed = await browser.request('POST', '/help/confirm', { token, ticket }, html);
    expect(confirmed.statusCode, confirmed.body).toBe(303);
    expect(confirmed.headers.location).toBe(`/tickets/${ticket}`);
    expect((await userBy(email))!.status).toBe('active');
    const opened = await browser.request('GET', `/tickets/${ticket}`, undefined, html);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('<strong>smokes</strong>');

    // The link works once.
    const again = await (await visitor()).request('POST', '/help/confirm', { token, ticket }, html);
    expect(again.statusCode).toBe(400);
  });

  it('confirms in another browser without signing it in: that one signs in as usual, then lands on the ticket', async () => {
    const email = address();
    await ask(await visitor(), email);
    const { token, ticket } = confirmLink((await mailTo(h, email))[0]!.body_text);
    const elsewhere = await visitor();
    const confirmed = await elsewhere.request('POST', '/help/confirm', { token, ticket }, html);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain(`href="/login?next=%2Ftickets%2F${ticket}"`);
    expect((await userBy(email))!.status).toBe('active');
    const signedOut = await elsewhere.request('GET', `/tickets/${ticket}`, undefined, html);
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toBe(`/login?next=%2Ftickets%2F${ticket}`);
  });

  it('attaches nothing to an existing account and answers the same; the owner is mailed a prefilled form', async () => {
    const owner = await createUser(h, ['customer']);
    const stranger = await visitor();
    const known = await ask(stranger, owner.email, 'Please reset my account');
    const unknown = await ask(await visitor(), address(), 'Please reset my account');
    expect(known.statusCode).toBe(unknown.statusCode);
    expect(known.headers.location).toBe(unknown.headers.location);
    expect(Object.keys(known.cookies)).toEqual(Object.keys(unknown.cookies));
    expect(await ticketsOf(owner.id)).toEqual([]);
    const [mail] = await mailTo(h, owner.email);
    expect(mail!.subject).toBe('Did you ask for help? “Please reset my account”');
    expect(mail!.body_text).toContain('/tickets/new?subject=Please+reset+my+account&body=It+**smokes**.');
    expect(mail!.body_text).not.toContain('/help/confirm');
    // The prefilled form needs the owner signed in; it opens nothing by itself.
    const signedIn = await signInAs(h.app, owner.email);
    const form = await signedIn.request(
      'GET',
      '/tickets/new?subject=Please+reset+my+account',
      undefined,
      html,
    );
    expect(form.body).toContain('value="Please reset my account"');
    expect(await ticketsOf(owner.id)).toEqual([]);
  });

  it('joins a pending account someone else signed up, and the proof drops the password they chose', async () => {
    const email = address();
    const attacker = await new SessionClient(h.app).start();
    const signUp = await attacker.post('/api/v1/auth/signup', {
      email,
      password: 'an attacker’s passphrase 7',
      displayName: 'Not Ada',
    });
    expect(signUp.statusCode, signUp.body).toBeLessThan(300);
    expect((await userBy(email))!.password_hash).not.toBeNull();
    const victim = await visitor();
    await ask(victim, email);
    const mails = await mailTo(h, email, 2);
    const { token, ticket } = confirmLink(
      mails.find((m) => m.body_text.includes('/help/confirm'))!.body_text,
    );
    // The account predates the question: this browser holds no proof for it, so it is not signed
    // in (a proof here would let a later confirmation link keep the password someone else chose).
    const confirmed = await victim.request('POST', '/help/confirm', { token, ticket }, html);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Address confirmed');
    const claimed = (await userBy(email))!;
    expect(claimed.status).toBe('active');
    expect(claimed.password_hash).toBeNull();
    const login = await attacker.post('/api/v1/auth/login', {
      email,
      password: 'an attacker’s passphrase 7',
    });
    expect(login.statusCode).toBe(401);
  });

  it('answers 429 past the limits, and refused requests count too', async () => {
    const email = address();
    // Per address, from many places: five refused questions (no subject) use the allowance up.
    for (let i = 0; i < 5; i++) {
      const refused = await (await visitor()).request(
        'POST',
        '/help',
        { name: 'Ada', email, subject: '', body: 'Hi.' },
        html,
      );
      expect(refused.statusCode).toBe(400);
    }
    const limited = await ask(await visitor(), email);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toContain('Too many questions from here');
    expect(await userBy(email)).toBeUndefined();

    // Per IP, whatever the addresses.
    const one = await visitor('203.0.113.77');
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push((await ask(one, address())).statusCode);
    expect(answers.slice(0, 10).every((s) => s === 303)).toBe(true);
    expect(answers[10]).toBe(429);
  }, 60_000);

  it('asks in Dutch for a Dutch browser, and mails the receipt in Dutch', async () => {
    const dutch = await visitor();
    const form = await dutch.request('GET', '/help', undefined, { ...html, 'accept-language': 'nl' });
    expect(form.body).toContain('<html lang="nl"');
    expect(form.body).toContain('Mijn vraag versturen');
    const email = address();
    await dutch.request(
      'POST',
      '/help',
      { name: 'Anne', email, subject: 'Printer kapot', body: 'Hij rookt.' },
      { ...html, 'accept-language': 'nl' },
    );
    const [receipt] = await mailTo(h, email);
    expect(receipt!.body_text).toContain('We hebben je vraag');
    expect(receipt!.body_text).toContain('Bevestig je e-mailadres');
  });

  it('sends signed-in people who may open tickets to the portal’s form', async () => {
    const signedIn = await signInAs(h.app, (await createUser(h, ['customer'])).email);
    const res = await signedIn.request('GET', '/help', undefined, html);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/tickets/new');
  });
});

describe('the portal in Dutch', () => {
  it('speaks Dutch to a Dutch profile: list, ticket, history and the status names', async () => {
    const user = await createUser(t, ['customer']);
    await t.platform.database.system
      .updateTable('users')
      .set({ locale: 'nl', time_zone: 'Europe/Amsterdam' })
      .where('id', '=', user.id)
      .execute();
    const dutch = await signInAs(t.app, user.email);
    const opened = (
      await dutch.post('/api/v1/tickets', { subject: 'Scherm flikkert', body: 'Sinds gisteren.' })
    ).json();
    await agent.request(
      'PATCH',
      `/api/v1/tickets/${opened.id}`,
      { status: 'waiting_on_customer' },
      { 'if-match': `"${opened.version}"` },
    );
    const list = await dutch.request('GET', '/tickets', undefined, html);
    expect(list.body).toContain('<html lang="nl"');
    expect(list.body).toContain('Mijn tickets');
    expect(list.body).toContain('Wacht op jou');
    expect(list.body).toContain('Bijgewerkt <time');
    const page = await dutch.request('GET', `/tickets/${opened.key}`, undefined, html);
    expect(page.body).toContain('Prioriteit Normaal');
    expect(page.body).toContain('Status gewijzigd naar Wacht op jou');
    expect(page.body).toContain('Reactie versturen');
    expect(page.body).not.toMatch(/>\s*(Reply|Send reply|History|Priority)\s*</);
    const form = await dutch.request('GET', '/tickets/new', undefined, html);
    expect(form.body).toContain('Laag: als je eraan toekomt');
    expect(form.body).toContain('Maximaal 5 bestanden van elk hooguit');
  });
});
