import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import type { TestApp } from '../support/app.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import type { SessionClient } from '../support/session-client.js';
import { buildSmsApp, SMS_PUBLIC_URL } from '../support/sms-app.js';

/**
 * Issue 20, numbers: an administrator searches, buys (the number's webhooks pointing here),
 * assigns, checks and releases numbers through the API against a fake Twilio speaking its wire
 * format; the provider's refusals come back as problem+json, never a 500.
 */
let t: TestApp;
let twilio: FakeTwilio;
let close: () => Promise<void>;
let admin: SessionClient;

beforeAll(async () => {
  ({ t, twilio, close } = await buildSmsApp());
  admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
});
afterAll(() => close?.());

describe('numbers through the API', () => {
  it('searches, buys with webhooks pointing here, assigns, checks and releases', async () => {
    const search = await admin.get('/api/v1/sms/numbers/available?country=US&areaCode=415');
    expect(search.statusCode).toBe(200);
    const [offer] = search.json().items;
    expect(offer).toMatchObject({ country: 'US', capabilities: { sms: true, mms: true } });
    expect(twilio.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: `/2010-04-01/Accounts/${twilio.accountSid}/AvailablePhoneNumbers/US/Local.json`,
      authorized: true,
    });

    const bought = await admin.post('/api/v1/sms/numbers', { e164: offer.e164, label: 'Support line' });
    expect(bought.statusCode).toBe(201);
    const number = bought.json();
    // The monthly fee from Twilio's Pricing API (local numbers in the US).
    expect(number).toMatchObject({
      e164: offer.e164,
      kind: 'team',
      label: 'Support line',
      country: 'US',
      monthlyPrice: '1.1500',
      priceUnit: 'USD',
    });
    const held = twilio.numbers.get(number.providerSid)!;
    expect(held.sms_url).toBe(`${SMS_PUBLIC_URL}/webhooks/twilio/sms`);
    expect(held.status_callback).toBe(`${SMS_PUBLIC_URL}/webhooks/twilio/status`);

    const agent = await createUser(t, ['agent']);
    const assigned = await admin.patch(`/api/v1/sms/numbers/${number.id}`, { ownerId: agent.id });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({ kind: 'personal', ownerId: agent.id });
    const nobody = await admin.patch(`/api/v1/sms/numbers/${number.id}`, {
      ownerId: '00000000-0000-4000-8000-000000000000',
    });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.headers['content-type']).toContain('application/problem+json');

    // Someone points the number at another app at the console; the check finds and fixes it.
    twilio.repoint(number.e164, 'https://elsewhere.example/sms');
    const found = await admin.post('/api/v1/sms/numbers/check', {});
    expect(found.json().items).toEqual([
      expect.objectContaining({ e164: number.e164, ok: false, fixed: false }),
    ]);
    const fixed = await admin.post('/api/v1/sms/numbers/check', { fix: true });
    expect(fixed.json().items).toEqual([
      expect.objectContaining({ e164: number.e164, ok: false, fixed: true }),
    ]);
    expect(held.sms_url).toBe(`${SMS_PUBLIC_URL}/webhooks/twilio/sms`);
    expect((await admin.post('/api/v1/sms/numbers/check', {})).json().items[0].ok).toBe(true);

    const listed = await admin.get('/api/v1/sms/numbers');
    expect(listed.json().items.map((n: { e164: string }) => n.e164)).toContain(number.e164);

    const released = await admin.delete(`/api/v1/sms/numbers/${number.id}`);
    expect(released.statusCode).toBe(200);
    expect(released.json().releasedAt).not.toBeNull();
    expect(twilio.numbers.has(number.providerSid)).toBe(false);
    expect((await admin.get('/api/v1/sms/numbers')).json().items).toEqual([]);
    expect((await admin.delete(`/api/v1/sms/numbers/${number.id}`)).statusCode).toBe(404);

    const audit = await t.platform.database.system
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', number.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'sms.number_bought',
      'sms.number_assigned',
      'sms.number_released',
    ]);
  });

  it('answers the provider’s and the input’s refusals as problem+json, never a 500', async () => {
    const offer = (await admin.get('/api/v1/sms/numbers/available?country=US&areaCode=212')).json().items[1];
    expect((await admin.post('/api/v1/sms/numbers', { e164: offer.e164 })).statusCode).toBe(201);
    // Twilio's 21452: the number is no longer for sale.
    const taken = await admin.post('/api/v1/sms/numbers', { e164: offer.e164 });
    expect(taken.statusCode).toBe(409);
    expect(taken.headers['content-type']).toContain('application/problem+json');
    expect(taken.json().detail).toContain('21452');
    expect(taken.body).not.toContain(twilio.authToken);

    const badCountry = await admin.get('/api/v1/sms/numbers/available?country=u1');
    expect(badCountry.statusCode).toBe(400);
    const badNumber = await admin.post('/api/v1/sms/numbers', { e164: '0612345678' });
    expect(badNumber.statusCode).toBe(400);
    expect(badNumber.json().errors[0].pointer).toBe('/body/e164');
    const badCategory = await admin.post('/api/v1/sms/numbers', {
      e164: '+14155559999',
      categoryId: '00000000-0000-4000-8000-000000000000',
    });
    expect(badCategory.statusCode).toBe(400);
  });

  it('a nightly job points numbers back here when they were pointed elsewhere', async () => {
    const { smsNumbersCheckJob } = await import('../../src/modules/sms/numbers/check-job.js');
    const offer = (await admin.get('/api/v1/sms/numbers/available?country=US&areaCode=646')).json().items[0];
    const number = (await admin.post('/api/v1/sms/numbers', { e164: offer.e164 })).json();
    twilio.repoint(number.e164, 'https://elsewhere.example/sms');
    const job = smsNumbersCheckJob(t.platform.config);
    const warned: unknown[] = [];
    await t.platform.database.system.transaction().execute((trx) =>
      job.run(
        {
          trx,
          jobId: 'test',
          retryCount: 0,
          logger: { warn: (o: unknown) => warned.push(o) } as never,
          ports: {} as never,
        },
        {},
      ),
    );
    expect(twilio.numbers.get(number.providerSid)!.sms_url).toBe(`${SMS_PUBLIC_URL}/webhooks/twilio/sms`);
    expect(warned).toEqual([expect.objectContaining({ fixed: [number.e164] })]);
  });

  it('is for SMS administrators only', async () => {
    const agent = await signInAs(t.app, (await createUser(t, ['agent'])).email);
    expect((await agent.get('/api/v1/sms/numbers')).statusCode).toBe(403);
  });
});
