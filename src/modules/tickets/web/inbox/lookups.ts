import type { FastifyInstance } from 'fastify';
import { listCategories } from '../../repo/categories.js';
import { displayNames } from '../../repo/inbox.js';
import { activeUsersInRoles } from '../../repo/team.js';
import { listStatuses } from '../../repo/tickets.js';
import { CHANNELS, PRIORITIES } from '../../table.js';
import { teamRoles } from '../../team.js';
import { statusLabel, type Translate } from './page-text.js';
import type { Lookups } from './present.js';

/**
 * What the inbox pages choose from (statuses, categories, agents, priorities, channels) and the
 * names behind the ids they show, labelled in the reader's language. Small lists, read per page.
 */
export async function loadChoices(app: FastifyInstance, t: Translate) {
  const db = app.platform.database.db;
  const [statuses, categories, agents] = await Promise.all([
    listStatuses(db),
    listCategories(db, true),
    activeUsersInRoles(db, teamRoles(await app.roleGraph.get())),
  ]);
  return {
    statuses: statuses.map((s) => ({ value: s.name, label: statusLabel(t, s.name, s.label), kind: s.kind })),
    categories: categories.map((c) => ({
      value: c.id,
      label: c.archived_at ? t('tickets:ticket.side.archived', { name: c.name }) : c.name,
      archived: Boolean(c.archived_at),
    })),
    agents: agents.map((a) => ({ value: a.id, label: a.display_name || a.email })),
    priorities: PRIORITIES.map((p) => ({ value: p, label: t(`tickets:priority.${p}`) })),
    channels: CHANNELS.map((c) => ({ value: c, label: t(`tickets:ticket.channels.${c}`) })),
  };
}
export type Choices = Awaited<ReturnType<typeof loadChoices>>;

/** Names for the user ids a page shows, with the status labels and category names. */
export async function lookupsFor(
  app: FastifyInstance,
  choices: Choices,
  userIds: readonly (string | null)[],
  t: Translate,
): Promise<Lookups> {
  return {
    t,
    names: await displayNames(app.platform.database.db, userIds),
    statusLabels: new Map(choices.statuses.map((s) => [s.value, s.label])),
    priorityLabels: new Map(choices.priorities.map((p) => [p.value as string, p.label])),
    categoryNames: new Map(choices.categories.map((c) => [c.value, c.label])),
  };
}
