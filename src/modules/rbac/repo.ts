import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import '../../identity/role-graph-table.js';

export async function insertRole(
  trx: Transaction<DB>,
  role: { name: string; parent: string; description: string; permissions: string[] },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('roles')
    .values({ name: role.name, parent: role.parent, description: role.description })
    .onConflict((c) => c.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  if (!inserted) return false;
  await replacePermissions(trx, role.name, role.permissions);
  return true;
}

export async function updateRole(
  trx: Transaction<DB>,
  name: string,
  changes: { parent?: string; description?: string },
): Promise<void> {
  await trx
    .updateTable('roles')
    .set({ ...changes, updated_at: new Date() })
    .where('name', '=', name)
    .execute();
}

export async function replacePermissions(
  trx: Transaction<DB>,
  role: string,
  permissions: string[],
): Promise<void> {
  await trx.deleteFrom('role_permissions').where('role', '=', role).execute();
  if (permissions.length > 0) {
    await trx
      .insertInto('role_permissions')
      .values(permissions.map((permission) => ({ role, permission })))
      .execute();
  }
}

export const deleteRole = (trx: Transaction<DB>, name: string) =>
  trx.deleteFrom('roles').where('name', '=', name).where('built_in', '=', false).executeTakeFirst();

export const countChildren = async (trx: Transaction<DB>, role: string): Promise<number> =>
  Number(
    (
      await trx
        .selectFrom('roles')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('parent', '=', role)
        .executeTakeFirstOrThrow()
    ).n,
  );
