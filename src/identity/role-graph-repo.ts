import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../platform/db/schema.js';
import type { RoleGraph } from './role-graph.js';
import './role-graph-table.js';

/** Reads the whole role graph (roles, parents and their permissions); the cache in front is role-graph-cache.ts. */
export async function loadRoleGraph(db: Kysely<DB> | Transaction<DB>): Promise<RoleGraph> {
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
