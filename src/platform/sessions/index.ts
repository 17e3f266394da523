import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SessionStore } from './port.js';
import { PostgresSessionStore } from './postgres.js';
import { RedisSessionStore } from './redis.js';

export function createSessionStore(options: {
  redis: Redis | undefined;
  prefix: string;
  db: Kysely<DB>;
}): SessionStore {
  return options.redis
    ? new RedisSessionStore(options.redis, options.prefix)
    : new PostgresSessionStore(options.db);
}
