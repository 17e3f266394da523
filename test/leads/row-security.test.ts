import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/connection.js';
import { createUser } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { asApp, ownerDatabase } from '../support/app-role.js';

/**
 * Row-level security on leads, the wall behind the routes' permissions: nobody without a leads
 * permission sees a lead or its notes; `leads:read` reads but cannot change, add or delete.
 */
let t: TestApp;
let owner: Database;
let leadId: string;
let userId: string;

beforeAll(async () => {
  t = await buildTestApp();
  owner = ownerDatabase(t);
  userId = (await createUser(t, ['agent'])).id;
  ({ id: leadId } = await t.platform.database.db
    .insertInto('leads')
    .values({
      name: 'Walled',
      email: 'walled@example.com',
      message: 'Hi',
      locale: 'en',
      consent_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow());
  await t.platform.database.db
    .insertInto('lead_notes')
    .values({ lead_id: leadId, body: 'Secret note' })
    .execute();
});
afterAll(async () => {
  await owner.close();
  await t.close();
});

const count = (permissions: string[], table: 'leads' | 'lead_notes') =>
  asApp(
    owner,
    userId,
    permissions,
    async (trx) => (await trx.selectFrom(table).select('id').execute()).length,
  );

describe('row-level security on leads', () => {
  it('shows leads and notes only to those who may read or manage them', async () => {
    for (const table of ['leads', 'lead_notes'] as const) {
      expect(await count(['tickets:read:any', 'tickets:update:any'], table)).toBe(0);
      expect(await count(['leads:read'], table)).toBe(1);
      expect(await count(['leads:manage'], table)).toBe(1);
    }
  });

  it('lets leads:read change, add and delete nothing; leads:manage may', async () => {
    const update = (permissions: string[]) =>
      asApp(owner, userId, permissions, async (trx) =>
        Number(
          (await trx.updateTable('leads').set({ stage: 'won' }).where('id', '=', leadId).executeTakeFirst())
            .numUpdatedRows,
        ),
      );
    expect(await update(['leads:read'])).toBe(0);
    await expect(
      asApp(owner, userId, ['leads:read'], (trx) =>
        trx.insertInto('lead_notes').values({ lead_id: leadId, body: 'Sneaky' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const deleted = await asApp(owner, userId, ['leads:read'], async (trx) =>
      Number((await trx.deleteFrom('leads').where('id', '=', leadId).executeTakeFirst()).numDeletedRows),
    );
    expect(deleted).toBe(0);
    expect(await update(['leads:manage'])).toBe(1);
  });
});
