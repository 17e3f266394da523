import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserById } from '../../src/identity/users/repo.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { SessionClient } from '../support/session-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
});
afterAll(() => t.close());

const html = { accept: 'text/html' };
const langOf = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];

describe('language and theme', () => {
  it('answers a Dutch browser in Dutch before anyone signs in, and others in English', async () => {
    const dutch = await t.app.inject({
      url: '/login',
      headers: { ...html, 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.5' },
    });
    expect(langOf(dutch.body)).toBe('nl');
    expect(dutch.body).toContain('>Taal<');
    const german = await t.app.inject({ url: '/login', headers: { ...html, 'accept-language': 'de-DE' } });
    expect(langOf(german.body)).toBe('en');
  });

  it('remembers the switch without an account, over the browser’s own language', async () => {
    const visitor = await new SessionClient(t.app).start();
    const switched = await visitor.post('/preferences', { locale: 'nl', back: '/login' });
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/login');
    const page = await visitor.request('GET', '/login', undefined, { ...html, 'accept-language': 'en' });
    expect(langOf(page.body)).toBe('nl');
    const dark = await visitor.post('/preferences', { theme: 'dark', back: '/' });
    expect(dark.statusCode).toBe(303);
    expect((await visitor.request('GET', '/', undefined, html)).body).toMatch(
      /<html lang="nl" class="dark">/,
    );
  });

  it('refuses a switch posted from another site or without the form’s token', async () => {
    const visitor = await new SessionClient(t.app).start();
    const crossSite = await visitor.post(
      '/preferences',
      { locale: 'nl' },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.statusCode).toBe(403);
    const stranger = new SessionClient(t.app);
    const noToken = await stranger.post('/preferences', { locale: 'nl' });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.cookies.find((c) => c.name === 'sb_lang')).toBeUndefined();
  });

  it('goes back only to a page of this site', async () => {
    const visitor = await new SessionClient(t.app).start();
    for (const back of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/\tevil']) {
      const res = await visitor.post('/preferences', { locale: 'en', back });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location, back).toBe('/');
    }
  });

  it('keeps a signed-in person’s choice in their profile, which then wins over the browser', async () => {
    const { id, client } = await createSignedIn(t, ['customer']);
    expect((await findUserById(t.platform.database.db, id))?.locale).toBeNull();
    await client.post('/preferences', { locale: 'nl', back: '/account' });
    expect((await findUserById(t.platform.database.db, id))?.locale).toBe('nl');
    client.cookies.delete('sb_lang');
    const page = await client.request('GET', '/account', undefined, { ...html, 'accept-language': 'en' });
    expect(langOf(page.body)).toBe('nl');
  });

  it('speaks the caller’s language in API errors too, and says so', async () => {
    const res = await t.app.inject({ url: '/api/v1/nope', headers: { 'accept-language': 'nl' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-language']).toBe('nl');
    expect(res.json().title).toBe('Op dit adres is niets gevonden.');
    const english = await t.app.inject({ url: '/api/v1/nope' });
    expect(english.json().title).toBe('Nothing was found at this address.');
  });

  it('gives a use case’s refusal in the reader’s language, on the page and in the API', async () => {
    const { client } = await createSignedIn(t, ['customer']);
    await client.post('/preferences', { locale: 'nl', back: '/tickets/new' });
    const page = await client.request(
      'POST',
      '/tickets',
      { subject: '   ', body: 'Mijn printer doet het niet.' },
      html,
    );
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Geef het ticket een onderwerp.');
    const api = await client.request(
      'POST',
      '/api/v1/tickets',
      { subject: ' ', body: 'x' },
      { 'accept-language': 'nl' },
    );
    expect(api.statusCode).toBe(400);
    expect(api.json()).toMatchObject({
      title: 'Sommige velden zijn ongeldig.',
      detail: 'Geef het ticket een onderwerp.',
      errors: [{ pointer: '/body/subject', detail: 'Geef het ticket een onderwerp.' }],
    });
  });

  it('words schema refusals in the caller’s language too', async () => {
    const { client } = await createSignedIn(t, ['customer']);
    const refused = await client.request(
      'POST',
      '/api/v1/tickets',
      { subject: 42, extra: true },
      { 'accept-language': 'nl' },
    );
    expect(refused.statusCode).toBe(400);
    const details = (refused.json().errors as { detail: string }[]).map((e) => e.detail);
    expect(details).toContain('is verplicht');
    expect(details).toContain('moet van het type string zijn');
    const english = await client.request('POST', '/api/v1/tickets', { subject: 42 });
    expect((english.json().errors as { detail: string }[]).map((e) => e.detail)).toContain(
      'must be of type string',
    );
  });
});
