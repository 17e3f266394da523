import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { RoleGraph } from './graph.js';
import './table.js';

type Db = Kysely<DB> | Transaction<DB>;

export async function loadRoleGraph(db: Db): Promise<RoleGraph> {
  const [roles, grants] = await Promise.all([
    db
      .selectFrom('roles')
      .select(['name', 'parent', 'built_in', 'description'])
      .orderBy('created_at')
      .execute(),
    db.selectFrom('role_permissions').select(['role', 'permission']).orderBy('permission').execute(),
  ]);
  const graph: RoleGraph = { roles: {} };
  for (const r of roles) {
    graph.roles[r.name] = {
      parent: r.parent,
      builtIn: r.built_in,
      description: r.description,
      permissions: [],
    };
  }
  for (const g of grants) graph.roles[g.role]?.permissions.push(g.permission);
  return graph;
}

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
