import type { Redis } from 'ioredis';
import type { Cache } from './port.js';
import { type CacheMetrics, SingleFlight } from './shared.js';

/** Cache shared by every node through Redis; values are JSON. */
export class RedisCache implements Cache {
  private readonly flights = new SingleFlight();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly metrics: CacheMetrics,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(`${this.prefix}cache:${key}`);
    if (raw === null) {
      this.metrics.miss();
      return undefined;
    }
    this.metrics.hit();
    return JSON.parse(raw) as T;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.redis.set(
      `${this.prefix}cache:${key}`,
      JSON.stringify(value),
      'PX',
      Math.round(ttlSeconds * 1000),
    );
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}cache:${key}`);
  }

  getOrSet<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    return this.flights.loadThrough(this, key, ttlSeconds, load);
  }

  async close(): Promise<void> {}
}
