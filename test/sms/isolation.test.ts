import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/connection.js';
import { createUser, signInAs } from '../support/actors.js';
import type { TestApp } from '../support/app.js';
import { asApp, ownerDatabase } from '../support/app-role.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import { buildSmsApp, buyLine } from '../support/sms-app.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 20, item 6: two people with personal numbers each read only their own texts, through the
 * API and in raw SQL as the app role; team lines' texts are for SMS administrators; everyone's for
 * `sms:read:any`. Phones are masked in the list.
 */
let t: TestApp;
let twilio: FakeTwilio;
let close: () => Promise<void>;
let owner: Database;
const people: { id: string; email: string; line: string }[] = [];

beforeAll(async () => {
  ({ t, twilio, close } = await buildSmsApp({ runsJobs: true }));
  owner = ownerDatabase(t);
  for (const [i, e164] of ['+14155550701', '+14155550702'].entries()) {
    const user = await createUser(t, ['agent']);
    await buyLine(t, e164, user.id);
    people.push({ id: user.id, email: user.email, line: e164 });
    await twilio.text({ from: `+3161238000${i}`, to: e164, body: `For ${i === 0 ? 'Ann' : 'Bob'} only` });
  }
  await buyLine(t, '+14155550703');
  await twilio.text({ from: '+31612380009', to: '+14155550703', body: 'For the team' });
  await waitFor(
    async () =>
      (await t.platform.database.system.selectFrom('sms_messages').select('id').execute()).length === 3,
    15_000,
    'three texts stored',
  );
});
afterAll(async () => {
  await owner?.close();
  await close?.();
});

const bodies = (items: { body: string }[]) => items.map((i) => i.body).sort();

describe('personal lines are private', () => {
  it('through the API: each owner sees their own texts, masked; an administrator sees all', async () => {
    const [ann, bob] = people;
    const annTexts = (await (await signInAs(t.app, ann!.email)).get('/api/v1/sms/texts')).json().items;
    expect(bodies(annTexts)).toEqual(['For Ann only']);
    expect(annTexts[0].phone).toBe('+316•••••000');
    const bobTexts = (await (await signInAs(t.app, bob!.email)).get('/api/v1/sms/texts')).json().items;
    expect(bodies(bobTexts)).toEqual(['For Bob only']);
    const agent = await signInAs(t.app, (await createUser(t, ['agent'])).email);
    expect((await agent.get('/api/v1/sms/texts')).json().items).toEqual([]);
    const admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
    expect(bodies((await admin.get('/api/v1/sms/texts')).json().items)).toEqual([
      'For Ann only',
      'For Bob only',
      'For the team',
    ]);
  });

  it('in raw SQL as the app role, whatever the query forgets to filter', async () => {
    const all = (trx: Parameters<Parameters<typeof asApp>[3]>[0]) =>
      trx.selectFrom('sms_messages').select('body').execute();
    const [ann, bob] = people;
    expect(bodies(await asApp(owner, ann!.id, ['tickets:read:any'], all))).toEqual(['For Ann only']);
    expect(bodies(await asApp(owner, bob!.id, ['tickets:read:any'], all))).toEqual(['For Bob only']);
    // Managing the channel shows team lines, not people's own.
    expect(bodies(await asApp(owner, ann!.id, ['sms:manage'], all))).toEqual([
      'For Ann only',
      'For the team',
    ]);
    expect(await asApp(owner, bob!.id, ['sms:read:any'], all)).toHaveLength(3);
    // And nobody but the system writes them.
    await expect(
      asApp(owner, ann!.id, ['sms:read:any', 'sms:manage'], (trx) =>
        trx.updateTable('sms_messages').set({ body: 'changed' }).returning('id').execute(),
      ),
    ).resolves.toEqual([]);
  });
});
