import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { type FakeTwilio, startFakeTwilio, twilioEnv } from '../support/fake-twilio.js';

/** Issue 20: `switchboard numbers search|buy|assign|release|list|check` against a fake Twilio. */
let twilio: FakeTwilio;
let t: TestApp;
const env = () => ({
  DATABASE_URL: t.database.url,
  SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
  PUBLIC_URL: 'https://help.example.com',
  ...twilioEnv(twilio),
});

beforeAll(async () => {
  twilio = await startFakeTwilio();
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
  await twilio?.close();
});

describe('switchboard numbers', () => {
  it('searches, buys, assigns, lists, checks and releases', async () => {
    const search = await runCli(['numbers', 'search', '--country', 'US', '--area-code', '415'], env());
    expect(search.stderr).toBe('');
    const e164 = search.stdout.split('\n')[0]!.split('\t')[0]!;
    expect(e164).toMatch(/^\+1415/);

    const bought = await runCli(['numbers', 'buy', e164, '--label', 'Support line'], env());
    expect(bought.stdout).toContain(`Bought ${e164}`);
    expect(bought.stdout).toContain('https://help.example.com/webhooks/twilio/sms');
    expect([...twilio.numbers.values()][0]!.sms_url).toBe('https://help.example.com/webhooks/twilio/sms');
    // Twilio's 21452 comes back as the command's error, not a stack trace.
    const again = await runCli(['numbers', 'buy', e164], env());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('21452');

    const agent = await createUser(t, ['agent']);
    const assigned = await runCli(['numbers', 'assign', e164, '--owner', agent.email], env());
    expect(assigned.stdout).toContain(`${e164} is now the own line of ${agent.email}`);
    const listed = await runCli(['numbers', 'list'], env());
    expect(listed.stdout).toContain(`${e164}\tpersonal: ${agent.email}\tSupport line`);

    twilio.repoint(e164, 'https://elsewhere.example/sms');
    expect((await runCli(['numbers', 'check'], env())).stdout).toContain(
      'elsewhere: https://elsewhere.example/sms',
    );
    expect((await runCli(['numbers', 'check', '--fix'], env())).stdout).toContain(`${e164}\tfixed`);

    expect((await runCli(['numbers', 'release', e164], env())).stdout).toContain(`Released ${e164}.`);
    expect(twilio.numbers.size).toBe(0);
    expect((await runCli(['numbers', 'list'], env())).stdout).toContain('No numbers held.');
    const gone = await runCli(['numbers', 'release', e164], env());
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`No number ${e164} is held.`);
    // The token is never printed.
    expect(JSON.stringify([search, bought, again, assigned, listed, gone])).not.toContain(twilio.authToken);
  }, 60_000);

  it('without Twilio says how to connect it', async () => {
    const result = await runCli(['numbers', 'search', '--country', 'US'], {
      ...env(),
      SMS_TRANSPORT: 'outbox',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Connect Twilio first');
  });
});
