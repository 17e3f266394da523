import { type Kysely, sql, type Transaction } from 'kysely';
import { effectivePermissions } from '../../identity/role-graph.js';
import { loadRoleGraph } from '../../identity/role-graph-repo.js';
import type { DB } from '../../platform/db/schema.js';
import './table.js';

type Db = Kysely<DB> | Transaction<DB>;

/** What the form offers until an administrator sets the list: an IT shop's usual questions. */
export const DEFAULT_SERVICES = ['Support contract', 'Repair', 'Installation', 'Advice', 'Something else'];

/**
 * The defaults' labels in the visitor's language (`leads:contact.defaultServices.*`); the value
 * sent and stored stays the English name, as the team set no list of its own. A list an
 * administrator set is shown as written.
 */
const DEFAULT_SERVICE_KEYS: Record<string, string> = {
  'Support contract': 'contract',
  Repair: 'repair',
  Installation: 'installation',
  Advice: 'advice',
  'Something else': 'other',
};

export const serviceLabel = (service: string, t: (key: string) => string): string =>
  DEFAULT_SERVICE_KEYS[service]
    ? t(`leads:contact.defaultServices.${DEFAULT_SERVICE_KEYS[service]}`)
    : service;

export interface LeadSettings {
  services: string[];
  /** One address for the team's mail; null: every active user who may manage leads. */
  notifyEmail: string | null;
}

export async function leadSettings(db: Db): Promise<LeadSettings> {
  const row = await db.selectFrom('lead_settings').select(['services', 'notify_email']).executeTakeFirst();
  return {
    services: row && row.services.length > 0 ? row.services : DEFAULT_SERVICES,
    notifyEmail: row?.notify_email ?? null,
  };
}

/** When the form's list of services last changed: the contact page's `lastmod` in the sitemap. */
export async function leadSettingsChangedAt(db: Db): Promise<Date | undefined> {
  const row = await db.selectFrom('lead_settings').select('updated_at').executeTakeFirst();
  return row?.updated_at;
}

export async function saveLeadSettings(trx: Transaction<DB>, settings: LeadSettings): Promise<void> {
  const values = { services: settings.services, notify_email: settings.notifyEmail };
  await trx
    .insertInto('lead_settings')
    .values({ id: true, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}

/** Active people holding any of `permissions` (through their roles), by name. */
export async function activeHolders(
  db: Db,
  permissions: readonly string[],
): Promise<
  { id: string; email: string; display_name: string; locale: string | null; time_zone: string | null }[]
> {
  const graph = await loadRoleGraph(db);
  const roles = Object.keys(graph.roles).filter((role) =>
    permissions.some((p) => effectivePermissions(graph, [role]).has(p)),
  );
  if (roles.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'locale', 'time_zone'])
    .where('status', '=', 'active')
    .where(sql<boolean>`roles && ${roles}::text[]`)
    .orderBy('display_name')
    .execute();
}

/** Who may own a lead: the people who work leads, and the team that answers tickets. */
export const OWNER_PERMISSIONS = ['leads:manage', 'leads:read', 'tickets:update:any'] as const;
