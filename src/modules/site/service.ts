import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { notFound } from '../../shared/errors.js';
import { findSetting } from './repo.js';

export interface InstanceInfo {
  name: string;
  version: string;
  updatedAt: string;
}

export async function getInstanceInfo(db: Kysely<DB>, version: string): Promise<InstanceInfo> {
  const setting = await findSetting(db, 'instance');
  if (!setting) throw notFound('The instance has not been set up; run `switchboard db migrate`.');
  const { name } = setting.value as { name: string };
  return { name, version, updatedAt: setting.updatedAt.toISOString() };
}
