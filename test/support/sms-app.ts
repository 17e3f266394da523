import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll } from 'vitest';
import { buyNumber } from '../../src/modules/sms/index.js';
import { createSmsNumbers } from '../../src/platform/sms/index.js';
import { createUser } from './actors.js';
import { buildTestApp, type TestApp } from './app.js';
import { type BrowserSuite, launchBrowser, serveTestApp } from './browser.js';
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './fake-twilio.js';
import { waitFor } from './wait.js';

export const SMS_PUBLIC_URL = 'http://desk.example.test';

/**
 * An app connected to a fake Twilio on localhost, whose webhook calls go into the app through
 * `inject` at PUBLIC_URL (as if Twilio reached it over the internet).
 */
export async function buildSmsApp(options: { runsJobs?: boolean; env?: Record<string, string> } = {}) {
  let t: TestApp | undefined;
  const twilio: FakeTwilio = await startFakeTwilio({
    deliver: async (url, form, headers) => {
      if (!t || !url.startsWith(SMS_PUBLIC_URL)) throw new Error(`the fake cannot reach ${url}`);
      const res = await t.app.inject({
        method: 'POST',
        url: url.slice(SMS_PUBLIC_URL.length),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams(form).toString(),
      });
      return { status: res.statusCode, body: res.body };
    },
  });
  t = await buildTestApp({
    runsJobs: options.runsJobs ?? false,
    env: {
      MFA_REQUIRED_ROLES: 'none',
      PUBLIC_URL: SMS_PUBLIC_URL,
      ...twilioEnv(twilio),
      ...options.env,
    },
  });
  const app = t;
  return {
    t: app,
    twilio,
    close: async () => {
      await app.close();
      await twilio.close();
    },
  };
}

/** Buys a number for the app from its (fake) Twilio, as the CLI does: a team line without an owner. */
export const buyLine = (t: TestApp, e164: string, ownerId: string | null = null) =>
  t.platform.database.system
    .transaction()
    .execute((trx) =>
      buyNumber(
        trx,
        createSmsNumbers(t.platform.config),
        t.platform.config,
        { type: 'cli', id: null },
        { e164, ownerId },
      ),
    );

/** A text from `from` to one of the app's lines through the fake Twilio, once the app has routed it: its row. */
export async function textedAndRouted(
  t: TestApp,
  twilio: FakeTwilio,
  from: string,
  to: string,
  body: string,
) {
  const sent = await twilio.text({ from, to, body });
  const row = () =>
    t.platform.database.system
      .selectFrom('sms_messages')
      .selectAll()
      .where('message_sid', '=', sent.sid)
      .executeTakeFirst();
  await waitFor(async () => (await row())?.processed_at != null, 15_000, `"${body}" routed`);
  return (await row())!;
}

/** A customer who verified `phone` (a texted code), so their texts are theirs. */
export async function customerWithPhone(t: TestApp, phone: string) {
  const user = await createUser(t, ['customer']);
  await t.platform.database.system
    .updateTable('users')
    .set({ phone, phone_verified_at: new Date() })
    .where('id', '=', user.id)
    .execute();
  return user;
}

/** A status callback from the (fake) Twilio, signed for the app's public status URL. */
export const statusCallback = (t: TestApp, twilio: FakeTwilio, form: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/webhooks/twilio/status',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': getExpectedTwilioSignature(
        twilio.authToken,
        `${SMS_PUBLIC_URL}/webhooks/twilio/status`,
        form,
      ),
    },
    payload: new URLSearchParams(form).toString(),
  });

/**
 * The app served over real HTTP with jobs running, connected to a fake Twilio that calls its real
 * webhook URLs, and a Chromium: for the SMS pages' browser tests.
 */
export function useSmsAppInBrowser(): BrowserSuite & { twilio: FakeTwilio } {
  const suite = {} as BrowserSuite & { twilio: FakeTwilio };
  beforeAll(async () => {
    suite.twilio = await startFakeTwilio();
    [suite.served, suite.browser] = await Promise.all([
      serveTestApp({ runsJobs: true, env: { MFA_REQUIRED_ROLES: 'none', ...twilioEnv(suite.twilio) } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.served?.close();
    await suite.twilio?.close();
  });
  return suite;
}
