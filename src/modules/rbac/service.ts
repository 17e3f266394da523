import { recordAuthEvent } from '../../identity/auth-events.js';
import type { AuthContext } from '../../identity/context.js';
import { isPermission } from '../../identity/permissions.js';
import { effectivePermissions, lineage, type RoleGraph } from '../../identity/role-graph.js';
import { loadRoleGraph } from '../../identity/role-graph-repo.js';
import {
  countActiveUsersWithAnyRole,
  countUsersWithRole,
  findUserById,
  type UserRow,
  updateUser,
} from '../../identity/users/repo.js';
import { AppError } from '../../shared/errors.js';
import { countChildren, deleteRole, insertRole, replacePermissions, updateRole } from './repo.js';

/** The administrator (or CLI) making a change, for the audit trail. */
export interface RoleActor {
  userId: string | null;
}

const ROLE_NAME = /^[a-z][a-z0-9_-]{1,39}$/;
// Without these the last administrator could lock everybody out of administration.
const ADMIN_KEEPS = ['roles:manage', 'users:manage'];

function checkPermissions(permissions: readonly string[]): string[] {
  const unknown = permissions.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw new AppError('validation_failed', `Unknown permission ${unknown.join(', ')}.`, {
      errors: [{ pointer: '/body/permissions', detail: `unknown: ${unknown.join(', ')}` }],
    });
  }
  return [...new Set(permissions)].sort();
}

async function graphIn(ctx: AuthContext): Promise<RoleGraph> {
  return loadRoleGraph(ctx.trx);
}

export async function createRole(
  ctx: AuthContext,
  actor: RoleActor,
  input: { name: string; parent: string; description?: string; permissions?: string[] },
): Promise<void> {
  if (!ROLE_NAME.test(input.name)) {
    throw new AppError('validation_failed', undefined, {
      errors: [
        {
          pointer: '/body/name',
          detail: 'Use 2–40 lower-case letters, digits, - or _, starting with a letter.',
        },
      ],
    });
  }
  const graph = await graphIn(ctx);
  if (!graph.roles[input.parent])
    throw new AppError('validation_failed', `There is no role ${input.parent}.`);
  const permissions = checkPermissions(input.permissions ?? []);
  const created = await insertRole(ctx.trx, { ...input, description: input.description ?? '', permissions });
  if (!created) throw new AppError('conflict', `A role named ${input.name} already exists.`);
  await recordAuthEvent(ctx.trx, 'roles_changed', ctx.meta, actor.userId, { created: input.name, ...input });
}

export async function changeRole(
  ctx: AuthContext,
  actor: RoleActor,
  name: string,
  changes: { parent?: string; description?: string; permissions?: string[] },
): Promise<void> {
  const graph = await graphIn(ctx);
  const role = graph.roles[name];
  if (!role) throw new AppError('not_found', `There is no role ${name}.`);
  if (changes.parent !== undefined) {
    if (role.builtIn) throw new AppError('conflict', 'The order of the built-in roles is fixed.');
    if (!graph.roles[changes.parent])
      throw new AppError('validation_failed', `There is no role ${changes.parent}.`);
    if (lineage(graph, changes.parent).includes(name))
      throw new AppError(
        'conflict',
        `${changes.parent} inherits from ${name}; a role cannot inherit from itself.`,
      );
  }
  const permissions = changes.permissions && checkPermissions(changes.permissions);
  if (name === 'admin' && permissions && ADMIN_KEEPS.some((p) => !permissions.includes(p)))
    throw new AppError('conflict', `The admin role keeps ${ADMIN_KEEPS.join(' and ')}.`);
  await updateRole(ctx.trx, name, {
    ...(changes.parent !== undefined ? { parent: changes.parent } : {}),
    ...(changes.description !== undefined ? { description: changes.description } : {}),
  });
  if (permissions) await replacePermissions(ctx.trx, name, permissions);
  await recordAuthEvent(ctx.trx, 'roles_changed', ctx.meta, actor.userId, {
    changed: name,
    before: { parent: role.parent, permissions: role.permissions },
    ...changes,
  });
}

export async function removeRole(ctx: AuthContext, actor: RoleActor, name: string): Promise<void> {
  const graph = await graphIn(ctx);
  const role = graph.roles[name];
  if (!role) throw new AppError('not_found', `There is no role ${name}.`);
  if (role.builtIn) throw new AppError('conflict', 'Built-in roles cannot be deleted.');
  const holders = await countUsersWithRole(ctx.trx, name);
  if (holders > 0)
    throw new AppError('conflict', `${holders} user(s) still hold ${name}; give them another role first.`);
  if ((await countChildren(ctx.trx, name)) > 0)
    throw new AppError('conflict', `Other roles inherit from ${name}; change their parent first.`);
  await deleteRole(ctx.trx, name);
  await recordAuthEvent(ctx.trx, 'roles_changed', ctx.meta, actor.userId, { deleted: name });
}

/** Replaces a user's roles. The last active administrator cannot lose the admin role. */
export async function setUserRoles(
  ctx: AuthContext,
  actor: RoleActor,
  userId: string,
  roles: readonly string[],
): Promise<UserRow> {
  const graph = await graphIn(ctx);
  const unknown = roles.filter((r) => !graph.roles[r]);
  if (unknown.length > 0 || roles.length === 0) {
    throw new AppError('validation_failed', undefined, {
      errors: [
        {
          pointer: '/body/roles',
          detail: unknown.length ? `unknown role: ${unknown.join(', ')}` : 'give at least one role',
        },
      ],
    });
  }
  const user = await findUserById(ctx.trx, userId);
  if (!user) throw new AppError('not_found', 'No such user.');
  const wasAdmin = effectivePermissions(graph, user.roles).has('roles:manage');
  const staysAdmin = effectivePermissions(graph, roles).has('roles:manage');
  if (wasAdmin && !staysAdmin && user.status === 'active' && (await activeAdministrators(ctx, graph)) <= 1)
    throw new AppError(
      'conflict',
      'This is the last active administrator; make someone else an administrator first.',
    );
  const updated = (await updateUser(ctx.trx, userId, { roles: [...new Set(roles)] }))!;
  await recordAuthEvent(ctx.trx, 'roles_changed', ctx.meta, userId, {
    by: actor.userId,
    from: user.roles,
    to: updated.roles,
  });
  return updated;
}

/** Active users whose roles grant role management (the admin role or anything inheriting from it). */
function activeAdministrators(ctx: AuthContext, graph: RoleGraph): Promise<number> {
  const adminish = Object.keys(graph.roles).filter((r) =>
    effectivePermissions(graph, [r]).has('roles:manage'),
  );
  return countActiveUsersWithAnyRole(ctx.trx, adminish);
}
