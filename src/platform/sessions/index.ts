import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PubSub } from '../pubsub/port.js';
import { CachedSessionStore } from './cached.js';
import type { SessionStore } from './port.js';
import { PostgresSessionStore } from './postgres.js';
import { RedisSessionStore } from './redis.js';

export async function createSessionStore(options: {
  redis: Redis | undefined;
  prefix: string;
  db: Kysely<DB>;
  pubsub: PubSub;
  cacheSeconds: number;
}): Promise<SessionStore> {
  const store = options.redis
    ? new RedisSessionStore(options.redis, options.prefix)
    : new PostgresSessionStore(options.db);
  if (options.cacheSeconds === 0) return store;
  const cached = new CachedSessionStore(store, options.pubsub, options.cacheSeconds);
  await cached.start();
  return cached;
}
