import { Redis } from 'ioredis';

/**
 * The Redis for tests: TEST_REDIS_URL, else a local default. Returns '' when none answers, and the
 * Redis adapter suites are then not run (the run ends with a warning); under CI=true a missing
 * Redis fails the run instead.
 */
export async function probeTestRedis(): Promise<string> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
    return url;
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`CI=true requires Redis at ${url}: ${(error as Error).message}`);
    return '';
  } finally {
    client.disconnect();
  }
}
