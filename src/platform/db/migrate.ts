import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  NO_MIGRATIONS,
} from 'kysely';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Loads every `YYYYMMDDHHmm_name` module in migrations/, from .ts sources under tsx and .js in dist.
 * Migrations are frozen in time: they take `Kysely<any>` and never import application code.
 */
class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of (await readdir(this.folder)).sort()) {
      const match = /^(\d{12}_[a-z0-9_]+)\.(ts|js)$/.exec(file);
      if (!match || file.endsWith('.d.ts')) continue;
      migrations[match[1]!] = (await import(pathToFileURL(path.join(this.folder, file)).href)) as Migration;
    }
    return migrations;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works below the typed schema
export function createMigrator(db: Kysely<any>, folder = MIGRATIONS_DIR): Migrator {
  return new Migrator({
    db,
    provider: new FolderMigrationProvider(folder),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new MigrationError(failed ? `migration ${failed} failed: ${reason}` : reason);
  }
  return (result.results ?? []).map((r) => r.migrationName);
}

// biome-ignore lint/suspicious/noExplicitAny: see createMigrator
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return unwrap(await createMigrator(db).migrateToLatest());
}

/** Undoes the last `steps` applied migrations, newest first. */
// biome-ignore lint/suspicious/noExplicitAny: see createMigrator
export async function rollback(db: Kysely<any>, steps = 1): Promise<string[]> {
  const migrator = createMigrator(db);
  const applied = (await migrator.getMigrations()).filter((m) => m.executedAt);
  if (steps >= applied.length) return unwrap(await migrator.migrateTo(NO_MIGRATIONS));
  const target = applied[applied.length - steps - 1]!.name;
  return unwrap(await migrator.migrateTo(target));
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: see createMigrator
export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus[]> {
  return (await createMigrator(db).getMigrations()).map((m) => ({ name: m.name, executedAt: m.executedAt }));
}
