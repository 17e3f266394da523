import type { Kysely } from 'kysely';

/** Managing ticket categories is an administrator's job; the built-in admin role gets the permission. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto('role_permissions')
    .values({ role: 'admin', permission: 'categories:manage' })
    .onConflict((c) => c.doNothing())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('role_permissions').where('permission', '=', 'categories:manage').execute();
}
