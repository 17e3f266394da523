import type { Transaction } from 'kysely';
import { effectivePermissions, type RoleGraph } from '../../identity/role-graph.js';
import { loadRoleGraph } from '../../identity/role-graph-repo.js';
import type { DB } from '../../platform/db/schema.js';
import { activeUserIdsInRoles } from './repo/team.js';

/** Being on the team means handling every ticket: answering, assigning and changing any of them. */
const TEAM_PERMISSION = 'tickets:update:any';

/** Whether someone holding `roles` is on the team. */
export const isTeamMember = (graph: RoleGraph, roles: readonly string[]): boolean =>
  effectivePermissions(graph, [...roles]).has(TEAM_PERMISSION);

/** Roles whose holders are on the team (the people tickets may be assigned to). */
export const teamRoles = (graph: RoleGraph): string[] =>
  Object.keys(graph.roles).filter((role) => isTeamMember(graph, [role]));

/** The ids of the team's active members, read in the caller's transaction. */
export async function activeTeam(trx: Transaction<DB>): Promise<string[]> {
  const roles = teamRoles(await loadRoleGraph(trx));
  return roles.length === 0 ? [] : activeUserIdsInRoles(trx, roles);
}
