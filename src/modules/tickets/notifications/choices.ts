import type { FastifyRequest } from 'fastify';
import { effectivePermissions } from '../../../identity/role-graph.js';
import type { UserSummary } from '../../../identity/users/repo.js';
import { KINDS, kindsFor, preferencesOf } from './preferences.js';

/** The account page's notification section: the kinds that can reach this person, and whether they do. */
export async function notificationChoices(request: FastifyRequest, user: UserSummary) {
  const permissions = effectivePermissions(await request.server.roleGraph.get(), user.roles);
  const preferences = await preferencesOf(request.server.platform.database.db, user.id);
  const t = request.page?.t;
  return kindsFor(permissions).map((kind) => ({
    kind,
    label: t ? t(`tickets:notifications.kinds.${kind}`) : KINDS[kind].label,
    on: preferences[kind],
  }));
}
