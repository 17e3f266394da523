import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { SessionClient } from '../support/session-client.js';

/**
 * Every API route, and the status each kind of caller gets: [anonymous, customer, premium, agent,
 * admin]. Requests carry an empty JSON body and unknown ids, so "allowed" shows as 200, 204, 400
 * (the input) or 404 (the record), and refusals as 401/403. A route missing from this table, or
 * listed here but gone, fails the suite: adding a route means deciding who may call it.
 * (Public sign-in routes answer 400/401 to everyone: they check their own input and state.)
 */
const MATRIX: [route: string, statuses: [number, number, number, number, number]][] = [
  ['DELETE /api/v1/admin/roles/:name', [401, 403, 403, 403, 404]],
  ['DELETE /api/v1/me/mfa/:id', [401, 404, 404, 404, 404]],
  ['DELETE /api/v1/me/sessions/:id', [401, 404, 404, 404, 404]],
  ['GET /api/openapi.json', [200, 200, 200, 200, 200]],
  ['GET /api/v1/admin/audit', [401, 403, 403, 403, 200]],
  ['GET /api/v1/admin/audit/export', [401, 403, 403, 403, 200]],
  ['GET /api/v1/admin/outbox', [401, 403, 403, 403, 200]],
  ['GET /api/v1/admin/outbox/:id', [401, 403, 403, 403, 404]],
  ['GET /api/v1/admin/permissions', [401, 403, 403, 403, 200]],
  ['GET /api/v1/admin/roles', [401, 403, 403, 403, 200]],
  ['GET /api/v1/auth/csrf', [200, 200, 200, 200, 200]],
  ['GET /api/v1/instance', [200, 200, 200, 200, 200]],
  ['GET /api/v1/me', [401, 200, 200, 200, 200]],
  ['GET /api/v1/me/mfa', [401, 200, 200, 200, 200]],
  ['GET /api/v1/me/permissions', [401, 200, 200, 200, 200]],
  ['GET /api/v1/me/notification-preferences', [401, 200, 200, 200, 200]],
  ['PUT /api/v1/me/notification-preferences', [401, 400, 400, 400, 400]],
  ['GET /api/v1/me/sessions', [401, 200, 200, 200, 200]],
  ['PATCH /api/v1/admin/roles/:name', [401, 403, 403, 403, 404]],
  ['PATCH /api/v1/me', [401, 200, 200, 200, 200]],
  ['PATCH /api/v1/me/mfa/:id', [401, 400, 400, 400, 400]],
  ['POST /api/v1/admin/invitations', [401, 403, 403, 403, 400]],
  ['POST /api/v1/admin/roles', [401, 403, 403, 403, 400]],
  ['POST /api/v1/admin/users/:id/disable', [401, 403, 403, 403, 404]],
  ['GET /api/v1/admin/users', [401, 403, 403, 200, 200]],
  ['POST /api/v1/admin/users/:id/reset-mfa', [401, 403, 403, 403, 400]],
  ['POST /api/v1/admin/users/:id/enable', [401, 403, 403, 403, 404]],
  ['POST /api/v1/admin/users/:id/end-sessions', [401, 403, 403, 403, 404]],
  ['POST /api/v1/auth/invitation/accept', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/login', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/logout', [204, 204, 204, 204, 204]],
  ['POST /api/v1/auth/magic-link', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/magic-link/consume', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/mfa/backup-code', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/mfa/sms', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/mfa/sms/send', [401, 401, 401, 401, 401]],
  ['POST /api/v1/auth/mfa/totp', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/passkey', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/passkey/options', [200, 404, 404, 404, 404]],
  ['POST /api/v1/auth/password-reset', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/password-reset/complete', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/signup', [400, 400, 400, 400, 400]],
  ['POST /api/v1/auth/verify-email', [400, 400, 400, 400, 400]],
  ['POST /api/v1/me/mfa/backup-codes', [401, 200, 200, 200, 200]],
  ['POST /api/v1/me/mfa/sms', [401, 400, 400, 400, 400]],
  ['POST /api/v1/me/mfa/totp', [401, 200, 200, 200, 200]],
  ['POST /api/v1/me/mfa/totp/confirm', [401, 400, 400, 400, 400]],
  ['POST /api/v1/me/passkeys', [401, 400, 400, 400, 400]],
  ['POST /api/v1/me/passkeys/options', [401, 200, 200, 200, 200]],
  ['POST /api/v1/me/password', [401, 400, 400, 400, 400]],
  ['POST /api/v1/me/phone', [401, 400, 400, 400, 400]],
  ['POST /api/v1/me/phone/verify', [401, 400, 400, 400, 400]],
  ['POST /api/v1/me/reauth', [401, 400, 400, 400, 400]],
  ['POST /api/v1/me/sessions/revoke-others', [401, 200, 200, 200, 200]],
  ['PUT /api/v1/admin/users/:id/roles', [401, 403, 403, 403, 400]],
  ['GET /api/v1/me/apps', [401, 200, 200, 200, 200]],
  ['DELETE /api/v1/me/apps/:clientId', [401, 404, 404, 404, 404]],
  ['GET /api/v1/oauth/clients', [401, 403, 403, 403, 200]],
  ['POST /api/v1/oauth/clients', [401, 403, 403, 403, 400]],
  ['GET /api/v1/oauth/clients/:clientId', [401, 403, 403, 403, 404]],
  ['PUT /api/v1/oauth/clients/:clientId', [401, 403, 403, 403, 400]],
  ['DELETE /api/v1/oauth/clients/:clientId', [401, 403, 403, 403, 404]],
  ['POST /api/v1/oauth/clients/:clientId/secret', [401, 403, 403, 403, 404]],
  ['DELETE /api/v1/mail/addresses/:address', [401, 403, 403, 403, 404]],
  ['GET /api/v1/mail/addresses', [401, 403, 403, 403, 200]],
  ['PATCH /api/v1/mail/addresses/:address', [401, 403, 403, 403, 400]],
  ['POST /api/v1/mail/addresses', [401, 403, 403, 403, 400]],
  ['GET /api/v1/mail/forwarding', [401, 403, 403, 403, 200]],
  // Removing first finds nothing; generating then makes one (answered once).
  ['DELETE /api/v1/mail/forwarding/secret', [401, 403, 403, 403, 404]],
  ['POST /api/v1/mail/forwarding/secret', [401, 403, 403, 403, 201]],
  // Forwarded mail is signed, not signed in: no signature is 401 for everyone.
  ['POST /api/v1/mail/inbound', [401, 401, 401, 401, 401]],
  ['DELETE /api/v1/mail/mailboxes/:id', [401, 403, 403, 403, 404]],
  ['GET /api/v1/mail/mailboxes', [401, 403, 403, 403, 200]],
  ['PATCH /api/v1/mail/mailboxes/:id', [401, 403, 403, 403, 404]],
  ['POST /api/v1/mail/mailboxes', [401, 403, 403, 403, 400]],
  ['POST /api/v1/mail/mailboxes/:id/test', [401, 403, 403, 403, 404]],
  ['GET /api/v1/mail/messages', [401, 403, 403, 403, 200]],
  ['GET /api/v1/mail/messages/:id/raw', [401, 403, 403, 403, 404]],
  ['POST /api/v1/mail/messages/:id/discard', [401, 403, 403, 403, 404]],
  ['POST /api/v1/mail/messages/:id/release', [401, 403, 403, 403, 404]],
  ['GET /api/v1/sms/numbers', [401, 403, 403, 403, 200]],
  ['GET /api/v1/sms/numbers/available', [401, 403, 403, 403, 400]],
  ['POST /api/v1/sms/numbers', [401, 403, 403, 403, 400]],
  ['PATCH /api/v1/sms/numbers/:id', [401, 403, 403, 403, 404]],
  ['DELETE /api/v1/sms/numbers/:id', [401, 403, 403, 403, 404]],
  // This app has no Twilio: the check has nobody to ask.
  ['POST /api/v1/sms/numbers/check', [401, 403, 403, 403, 409]],
  ['GET /api/v1/sms/texts', [401, 200, 200, 200, 200]],
  ['GET /api/v1/sms/usage', [401, 403, 403, 403, 200]],
  ['GET /api/v1/sms/usage.csv', [401, 403, 403, 403, 200]],
  ['GET /api/v1/sms/budgets', [401, 403, 403, 403, 200]],
  ['PUT /api/v1/sms/budgets', [401, 403, 403, 403, 400]],
  ['DELETE /api/v1/sms/budgets/:id', [401, 403, 403, 403, 404]],
  ['DELETE /api/v1/tickets/:id/participants/:email', [401, 403, 403, 404, 404]],
  ['GET /api/v1/tickets/:id/participants', [401, 403, 403, 404, 404]],
  ['POST /api/v1/tickets/:id/participants', [401, 403, 403, 400, 400]],
  ['GET /api/v1/tickets', [401, 200, 200, 200, 200]],
  ['GET /api/v1/tickets/search', [401, 400, 400, 400, 400]],
  ['GET /api/v1/tickets/stream', [401, 406, 406, 406, 406]],
  ['GET /api/v1/tickets/:id/stream', [401, 404, 404, 404, 404]],
  ['POST /api/v1/tickets', [401, 400, 400, 400, 400]],
  ['GET /api/v1/tickets/:id', [401, 404, 404, 404, 404]],
  ['PATCH /api/v1/tickets/:id', [401, 428, 428, 428, 428]],
  ['GET /api/v1/tickets/:id/messages', [401, 404, 404, 404, 404]],
  ['POST /api/v1/tickets/:id/messages', [401, 400, 400, 400, 400]],
  ['GET /api/v1/tickets/:id/events', [401, 404, 404, 404, 404]],
  ['GET /api/v1/categories', [401, 200, 200, 200, 200]],
  ['POST /api/v1/categories', [401, 403, 403, 403, 400]],
  ['PATCH /api/v1/categories/:id', [401, 403, 403, 403, 404]],
  ['GET /api/v1/tickets/:id/time-entries', [401, 403, 403, 404, 404]],
  ['POST /api/v1/tickets/:id/time-entries', [401, 403, 403, 400, 400]],
  ['DELETE /api/v1/time-entries/:id', [401, 403, 403, 404, 404]],
  ['POST /api/v1/uploads', [401, 415, 415, 415, 415]],
  ['GET /api/v1/attachments/:id', [401, 404, 404, 404, 404]],
  ['GET /api/v1/attachments/:id/content', [401, 404, 404, 404, 404]],
  // Leads (issue 21): read with leads:read, changed with leads:manage; admins hold both.
  ['GET /api/v1/leads', [401, 403, 403, 403, 200]],
  ['GET /api/v1/leads/export', [401, 403, 403, 403, 200]],
  ['GET /api/v1/leads/:id', [401, 403, 403, 403, 404]],
  ['PATCH /api/v1/leads/:id', [401, 403, 403, 403, 400]],
  ['DELETE /api/v1/leads/:id', [401, 403, 403, 403, 404]],
  ['POST /api/v1/leads/:id/notes', [401, 403, 403, 403, 400]],
  ['POST /api/v1/leads/:id/convert', [401, 403, 403, 403, 404]],
  ['GET /api/v1/leads/settings', [401, 403, 403, 403, 200]],
  ['PUT /api/v1/leads/settings', [401, 403, 403, 403, 400]],
];

const ACTORS = ['anonymous', 'customer', 'premium', 'agent', 'admin'] as const;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let t: TestApp;
const emails: Record<string, string> = {};
beforeAll(async () => {
  // Not a loopback address, so the dev outbox is closed like on a real server.
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none', PUBLIC_URL: 'http://help.example.test' } });
  for (const role of ACTORS.slice(1)) emails[role] = (await createUser(t, [role])).email;
});
afterAll(() => t.close());

const apiRoutes = () =>
  [...t.app.routeAccess.keys()].filter(
    (key) => / \/api\//.test(key) && !key.includes('/api/docs') && !key.startsWith('HEAD'),
  );

describe('authorization matrix', () => {
  it('lists every API route, and only those', () => {
    expect(MATRIX.map(([route]) => route).sort()).toEqual(apiRoutes().sort());
  });

  it.each(MATRIX)('%s', async (route, expected) => {
    const [method, url] = route.split(' ') as [string, string];
    const path = url.replace(/:(\w+)/g, (_, name: string) => (name === 'name' ? 'nosuchrole' : UNKNOWN_ID));
    const actual: number[] = [];
    for (const actor of ACTORS) {
      // A fresh sign-in per request: some routes end the caller's sessions.
      const client =
        actor === 'anonymous'
          ? await new SessionClient(t.app).start()
          : await signInAs(t.app, emails[actor]!);
      const res = await client.request(method as 'GET', path, method === 'GET' ? undefined : {});
      actual.push(res.statusCode);
    }
    expect(actual).toEqual(expected);
  });
});

describe('deny by default', () => {
  it('an app with a route that declares no access does not start', async () => {
    await expect(
      buildTestApp({
        plugins: [
          async (app) => {
            app.get('/api/v1/forgotten', async () => ({ secret: true }));
          },
        ],
      }),
    ).rejects.toThrow('Route GET /api/v1/forgotten declares no access (config.access)');
  });

  it('a denial is recorded with the actor, route, address and request id', async () => {
    const customer = await createUser(t, ['customer']);
    const client = await signInAs(t.app, customer.email);
    const res = await client.request('GET', '/api/v1/admin/roles', undefined, {
      'x-request-id': 'matrix-denial-1',
    });
    expect(res.statusCode).toBe(403);
    const event = await t.platform.database.db
      .selectFrom('audit_log')
      .select(['ip', 'details', 'actor_id', 'outcome', 'request_id'])
      .where('target_id', '=', customer.id)
      .where('action', '=', 'auth.permission_denied')
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      ip: client.remoteAddress,
      actor_id: customer.id,
      outcome: 'denied',
      request_id: 'matrix-denial-1',
    });
    expect(event.details).toEqual({
      permission: ['roles:manage'],
      method: 'GET',
      route: '/api/v1/admin/roles',
      requestId: 'matrix-denial-1',
    });
  });
});
