import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueFillToken } from '../../src/modules/leads/fill-token.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';

/**
 * The form's settings page (services offered, where the team's mail goes) and the leads pages'
 * forms: refusals come back beside their fields with a 4xx, never a 500, and change nothing.
 */
let t: TestApp;
let admin: SessionClient;
const html = { accept: 'text/html' };
const TEAM = 'sales@team.example';

beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' }, runsJobs: true });
  ({ client: admin } = await createSignedIn(t, ['admin']));
});
afterAll(() => t?.close());

describe('the contact form’s settings', () => {
  it('refuses a bad address and too long a service beside the fields, and saves nothing', async () => {
    const res = await admin.post(
      '/admin/leads/settings',
      { services: `Cabling\n${'x'.repeat(81)}`, notifyEmail: 'not an address' },
      html,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="field-services-error"');
    expect(res.body).toContain('id="field-notifyEmail-error"');
    const rows = await t.platform.database.db.selectFrom('lead_settings').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('offers the services set, and mails new leads once to the team address instead of each administrator', async () => {
    const saved = await admin.post(
      '/admin/leads/settings',
      { services: 'Cabling\nCloud backup\nCabling\n', notifyEmail: ` ${TEAM.toUpperCase()} ` },
      html,
    );
    expect(saved.statusCode).toBe(303);
    const audit = await t.platform.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'lead.settings_changed')
      .execute();
    expect(audit).toEqual([{ details: { services: 2, notifyAddress: true } }]);

    const visitor = await new SessionClient(t.app).start();
    const form = await visitor.request('GET', '/contact', undefined, html);
    expect(form.body).toContain('<option value="Cloud backup"');
    expect(form.body).not.toContain('<option value="Repair"');
    const sent = await visitor.post(
      '/contact',
      {
        name: 'Otto Offer',
        email: 'otto@example.com',
        phone: '',
        company: '',
        service: 'Cloud backup',
        message: 'How much for 2 TB?',
        consent: 'yes',
        website: '',
        token: issueFillToken(t.config.SECRET_KEY!, Date.now() - 3_000),
      },
      html,
    );
    expect(sent.statusCode).toBe(303);
    const [mail] = await mailTo(t, TEAM);
    expect(mail!.subject).toBe('New lead: Otto Offer (otto@example.com)');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const mails = await t.platform.database.db
      .selectFrom('outbox_messages' as never)
      .select(['recipient' as never])
      .execute();
    expect(mails).toEqual([{ recipient: TEAM }]);
  });
});

describe('the settings through the API', () => {
  it('reads and sets them with leads:manage, refuses bad input as problem+json, and agents not at all', async () => {
    const bad = await admin.request('PUT', '/api/v1/leads/settings', {
      services: ['x'.repeat(81)],
      notifyEmail: 'nope',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/services',
      '/body/notifyEmail',
    ]);
    const set = await admin.request('PUT', '/api/v1/leads/settings', {
      services: ['Audit', 'Repair'],
      notifyEmail: null,
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ services: ['Audit', 'Repair'], notifyEmail: null });
    expect((await admin.get('/api/v1/leads/settings')).json()).toEqual(set.json());
    const { client: agent } = await createSignedIn(t, ['agent']);
    expect((await agent.get('/api/v1/leads/settings')).statusCode).toBe(403);
  });
});

describe('the lead page’s forms', () => {
  it('refuses an unknown stage, an empty note and an unknown lead without a 500, changing nothing', async () => {
    const { id } = await t.platform.database.db
      .insertInto('leads')
      .values({
        name: 'Page Lead',
        email: 'page@example.com',
        message: 'Hi',
        locale: 'en',
        consent_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const stage = await admin.post(`/admin/leads/${id}/change`, { stage: 'sold', ownerId: '' }, html);
    expect(stage.statusCode).toBe(400);
    expect(stage.body).toContain('Choose a stage of the pipeline.');
    const note = await admin.post(`/admin/leads/${id}/notes`, { body: '   ' }, html);
    expect(note.statusCode).toBe(400);
    expect(note.body).toContain('id="field-body-error"');
    const missing = await admin.post('/admin/leads/00000000-0000-4000-8000-000000000000/convert', {}, html);
    expect(missing.statusCode).toBe(404);
    const lead = await t.platform.database.db
      .selectFrom('leads')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(lead).toMatchObject({ stage: 'new', converted_at: null });
  });
});
