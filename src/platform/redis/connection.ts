import { Redis } from 'ioredis';

/**
 * One shared Redis client per process. Keys are prefixed by each adapter (not by ioredis'
 * keyPrefix, which does not apply to pub/sub channels or Lua KEYS consistently).
 */
export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableReadyCheck: true,
    connectionName: 'switchboard',
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
  // Connection errors surface through failing commands and /health/ready; without a listener
  // ioredis would print each one as an unhandled error event.
  redis.on('error', () => {});
  return redis;
}
