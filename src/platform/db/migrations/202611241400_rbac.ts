import { type Kysely, sql } from 'kysely';

// The seed as it was when this migration was written; later grants come in later migrations.
const BUILT_IN = [
  ['customer', null, 'Customers: ask for help and follow their own tickets'],
  ['premium', 'customer', 'Customers with a premium plan'],
  ['agent', 'premium', 'Support staff who answer tickets'],
  ['admin', 'agent', 'Administrators of this Switchboard'],
] as const;
const GRANTS: Record<string, string[]> = {
  customer: ['profile:update:own', 'tickets:create', 'tickets:read:own', 'tickets:update:own'],
  premium: ['tickets:priority'],
  agent: ['tickets:read:any', 'tickets:update:any', 'users:read'],
  admin: ['users:invite', 'users:manage', 'roles:manage', 'audit:read', 'outbox:read'],
};

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('roles')
    .addColumn('name', 'text', (c) => c.primaryKey().check(sql`name ~ '^[a-z][a-z0-9_-]{1,39}$'`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // Inheritance: a role has every permission of its parent. Deleting a parent is refused.
    .addColumn('parent', 'text', (c) => c.references('roles.name').onDelete('restrict').onUpdate('cascade'))
    .addColumn('built_in', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('role_permissions')
    .addColumn('role', 'text', (c) =>
      c.notNull().references('roles.name').onDelete('cascade').onUpdate('cascade'),
    )
    .addColumn('permission', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_permissions_pk', ['role', 'permission'])
    .execute();
  for (const [name, parent, description] of BUILT_IN) {
    await db.insertInto('roles').values({ name, parent, description, built_in: true }).execute();
  }
  for (const [role, permissions] of Object.entries(GRANTS)) {
    await db
      .insertInto('role_permissions')
      .values(permissions.map((permission) => ({ role, permission })))
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('role_permissions').execute();
  await db.schema.dropTable('roles').execute();
}
