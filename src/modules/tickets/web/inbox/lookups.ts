import type { FastifyInstance } from 'fastify';
import { listCategories } from '../../repo/categories.js';
import { displayNames } from '../../repo/inbox.js';
import { activeUsersInRoles } from '../../repo/team.js';
import { listStatuses } from '../../repo/tickets.js';
import { CHANNELS, PRIORITIES } from '../../table.js';
import { teamRoles } from '../../team.js';
import type { Lookups } from './present.js';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * What the inbox pages choose from (statuses, categories, agents, priorities, channels) and the
 * names behind the ids they show. Small lists, read per page.
 */
export async function loadChoices(app: FastifyInstance) {
  const db = app.platform.database.db;
  const [statuses, categories, agents] = await Promise.all([
    listStatuses(db),
    listCategories(db, true),
    activeUsersInRoles(db, teamRoles(await app.roleGraph.get())),
  ]);
  return {
    statuses: statuses.map((s) => ({ value: s.name, label: s.label, kind: s.kind })),
    categories: categories.map((c) => ({
      value: c.id,
      label: c.archived_at ? `${c.name} (archived)` : c.name,
      archived: Boolean(c.archived_at),
    })),
    agents: agents.map((a) => ({ value: a.id, label: a.display_name || a.email })),
    priorities: PRIORITIES.map((p) => ({ value: p, label: capital(p) })),
    channels: CHANNELS.map((c) => ({ value: c, label: c === 'sms' ? 'SMS' : capital(c) })),
  };
}
export type Choices = Awaited<ReturnType<typeof loadChoices>>;

/** Names for the user ids a page shows, with the status labels and category names. */
export async function lookupsFor(
  app: FastifyInstance,
  choices: Choices,
  userIds: readonly (string | null)[],
): Promise<Lookups> {
  return {
    names: await displayNames(app.platform.database.db, userIds),
    statusLabels: new Map(choices.statuses.map((s) => [s.value, s.label])),
    categoryNames: new Map(choices.categories.map((c) => [c.value, c.label])),
  };
}
