import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { databaseUrl } from './database-url.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('databaseAdminUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function create(prefix: string, template?: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}${template ? ` template ${template}` : ''}`);
  return {
    url: databaseUrl(inject('databaseAdminUrl'), name),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}

/** A new database cloned from the migrated template: each test file gets its own, in ~100 ms. */
export const createTestDatabase = (): Promise<TestDatabase> => create('sb_test', inject('templateDatabase'));

/** An empty database (no migrations), for migration tests. */
export const createEmptyDatabase = (): Promise<TestDatabase> => create('sb_test_empty');
