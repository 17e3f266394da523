import type { Generated } from 'kysely';

export interface RolesTable {
  name: string;
  description: Generated<string>;
  parent: string | null;
  built_in: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RolePermissionsTable {
  role: string;
  permission: string;
}

declare module '../platform/db/schema.js' {
  interface DB {
    roles: RolesTable;
    role_permissions: RolePermissionsTable;
  }
}
