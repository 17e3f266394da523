import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { issueFillToken } from '../../src/modules/leads/fill-token.js';
import { logOptions } from '../../src/platform/logging/logger.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { SessionClient } from '../support/session-client.js';

/**
 * What a visitor writes on the contact form is personal data: the app's logger, at `trace`, with
 * the process's own options, sees none of it, whether the message is taken, refused, read by the
 * team, exported or converted.
 */
const text: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    text.push(chunk.toString());
    done();
  },
});

let t: TestApp;
let app: FastifyInstance;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true, env: { MFA_REQUIRED_ROLES: 'none' } });
  app = await buildApp({ ...t.platform, logger: pino(logOptions('trace'), sink) });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('personal data from the contact form', () => {
  it('never reaches the log', async () => {
    const visitor = {
      name: 'Xaviera Quintessence',
      email: 'xaviera.quintessence@example.com',
      phone: '+31 6 9876 5432',
      company: 'Quintessence Holding',
      message: 'My very private question about zebra-striped routers.',
    };
    const client = await new SessionClient(app).start();
    const post = (fields: Record<string, string>) =>
      client.post(
        '/contact',
        {
          ...visitor,
          service: '',
          consent: 'yes',
          website: '',
          token: issueFillToken(t.config.SECRET_KEY!, Date.now() - 5_000),
          ...fields,
        },
        { accept: 'text/html' },
      );
    expect((await post({ consent: '' })).statusCode).toBe(400);
    expect((await post({ token: 'forged' })).statusCode).toBe(400);
    expect((await post({})).statusCode).toBe(303);

    const admin = await signInAs(app, (await createUser(t, ['admin'])).email);
    const [lead] = (await admin.get('/api/v1/leads')).json().items;
    expect(
      (await admin.request('GET', `/admin/leads/${lead.id}`, undefined, { accept: 'text/html' })).statusCode,
    ).toBe(200);
    expect((await admin.get('/api/v1/leads/export')).statusCode).toBe(200);
    expect((await admin.post(`/api/v1/leads/${lead.id}/convert`)).statusCode).toBe(201);

    const logged = text.join('');
    expect(logged).toContain('/contact');
    for (const value of [...Object.values(visitor), 'xaviera', 'Quintessence', 'zebra'])
      expect(logged, value).not.toContain(value);
  });
});
